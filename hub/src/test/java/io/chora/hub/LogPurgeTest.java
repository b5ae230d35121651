package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An admin removes an origin's envelopes from a seq on; the log stays causal and contiguous. */
class LogPurgeTest {
  @TempDir Path dir;

  /** mallory's envelopes, others independent of them, and some that depend on them. */
  private void storeHistory() throws Exception {
    try (WorkspaceStore store = WorkspaceStore.open(Workspaces.logFile(dir, TestHubs.TEAM))) {
      store.append(
          List.of(
              envelope("mallory", 1, 1, "{}"),
              envelope("a", 1, 2, "{}"),
              envelope("mallory", 2, 3, "{}"),
              envelope("b", 1, 1, "{\"mallory\":1}"),
              envelope("b", 2, 2, "{\"a\":2}"),
              envelope("c", 1, 1, "{\"b\":2}"),
              envelope("a", 3, 3, "{}")));
    }
  }

  @Test
  void removesAnOriginFromASeqOnAndLowersItsClock() throws Exception {
    storeHistory();
    LogPurge.Result r = LogPurge.purge(dir, TestHubs.TEAM, "mallory", 2, false);
    assertThat(r.removed()).containsExactly("mallory 2..3");
    assertThat(r.holdsUpTo()).isEqualTo(Map.of("mallory", 1L));
    assertThat(clock()).isEqualTo(Map.of("mallory", 1L, "a", 3L, "b", 2L, "c", 1L));
  }

  @Test
  void envelopesOfOthersThatDependOnWhatGoesAreNamedAndStayUnlessAskedFor() throws Exception {
    storeHistory();
    String before = sha256();
    assertThatThrownBy(() -> LogPurge.purge(dir, TestHubs.TEAM, "mallory", 1, false))
        .isInstanceOf(LogPurge.Refused.class)
        .hasMessageStartingWith(
            "envelopes of other origins depend on what would be removed: b 1..1, b 2..2, c 1..1;"
                + " add --with-dependents");
    assertThat(sha256()).isEqualTo(before);

    LogPurge.Result r = LogPurge.purge(dir, TestHubs.TEAM, "mallory", 1, true);
    assertThat(r.removed())
        .containsExactly("mallory 1..1", "mallory 2..3", "b 1..1", "b 2..2", "c 1..1");
    assertThat(clock()).isEqualTo(Map.of("a", 3L));
  }

  @Test
  void aSeqInsideAnEnvelopeOrPastTheLogIsRefusedWithTheLogUnchanged() throws Exception {
    storeHistory();
    String before = sha256();
    assertThatThrownBy(() -> LogPurge.purge(dir, TestHubs.TEAM, "mallory", 3, false))
        .hasMessage(
            "seq 3 is inside the envelope mallory 2..3, which is removed whole or not at all:"
                + " use --from 2 or --from 4");
    assertThatThrownBy(() -> LogPurge.purge(dir, TestHubs.TEAM, "mallory", 4, false))
        .hasMessage(
            "the hub holds mallory up to 3: nothing to remove from seq 4 (its envelopes start at"
                + " [1, 2])");
    assertThatThrownBy(() -> LogPurge.purge(dir, TestHubs.TEAM, "nobody", 1, false))
        .hasMessage("the hub holds nothing of nobody: nothing to remove from seq 1");
    assertThatThrownBy(() -> LogPurge.purge(dir, "missing", "mallory", 1, false))
        .hasMessageStartingWith("there is no workspace missing in ");
    assertThat(sha256()).isEqualTo(before);
  }

  @Test
  void aRunningHubHoldsItsDataDirectoryAgainstAPurgeAndASecondHub() throws Exception {
    storeHistory();
    try (HubServer hub = TestHubs.start(dir)) {
      assertThatThrownBy(() -> LogPurge.purge(dir, TestHubs.TEAM, "mallory", 1, true))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("a hub is running on " + dir.toAbsolutePath());
      assertThatThrownBy(() -> TestHubs.start(dir))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("a hub is running on " + dir.toAbsolutePath());
      assertThat(hub.port()).isPositive();
    }
    assertThat(LogPurge.purge(dir, TestHubs.TEAM, "mallory", 1, true).removed()).hasSize(5);
    try (HubServer again = TestHubs.start(dir)) {
      assertThat(again.port()).isPositive(); // the lock went with the hub that held it
    }
  }

  private static Envelope envelope(String origin, long first, long last, String deps) {
    return new Envelope(origin, first, last, deps, "Z2FyYmFnZQ==", null);
  }

  private Map<String, Long> clock() throws Exception {
    try (WorkspaceStore store = WorkspaceStore.open(Workspaces.logFile(dir, TestHubs.TEAM))) {
      return store.loadClock();
    }
  }

  private String sha256() throws Exception {
    byte[] bytes = Files.readAllBytes(Workspaces.logFile(dir, TestHubs.TEAM));
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
