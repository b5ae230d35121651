package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An admin removes an origin's envelopes from a seq on; the log stays causal and contiguous. Once
 * per store: a SQLite file in the data directory, a workspace's rows in PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class LogPurgeTest {
  @Parameter TestStore kind;
  @TempDir Path dir;

  private StoreUrl pg() {
    return kind.apply(TestHubs.config(dir)).store();
  }

  private LogStores stores() throws SQLException {
    return kind == TestStore.SQLITE ? LogStores.sqlite(dir) : PgDatabase.open(pg());
  }

  private LogPurge.Result purge(String workspace, String origin, long from, boolean dependents)
      throws Exception {
    return kind == TestStore.SQLITE
        ? LogPurge.purge(dir, workspace, origin, from, dependents)
        : LogPurge.purge(pg(), workspace, origin, from, dependents);
  }

  /** mallory's envelopes, others independent of them, and some that depend on them. */
  private void storeHistory() throws Exception {
    List<Envelope> history =
        List.of(
            envelope("mallory", 1, 1, "{}"),
            envelope("a", 1, 2, "{}"),
            envelope("mallory", 2, 3, "{}"),
            envelope("b", 1, 1, "{\"mallory\":1}"),
            envelope("b", 2, 2, "{\"a\":2}"),
            envelope("c", 1, 1, "{\"b\":2}"),
            envelope("a", 3, 3, "{}"));
    try (LogStores stores = stores();
        LogStore store = stores.open(TestHubs.TEAM)) {
      store.append(committed -> new LogStore.Decided(history, Map.of()));
    }
  }

  @Test
  void removesAnOriginFromASeqOnAndLowersItsClock() throws Exception {
    storeHistory();
    LogPurge.Result r = purge(TestHubs.TEAM, "mallory", 2, false);
    assertThat(r.removed()).containsExactly("mallory 2..3");
    assertThat(r.holdsUpTo()).isEqualTo(Map.of("mallory", 1L));
    assertThat(clock()).isEqualTo(Map.of("mallory", 1L, "a", 3L, "b", 2L, "c", 1L));
  }

  @Test
  void envelopesOfOthersThatDependOnWhatGoesAreNamedAndStayUnlessAskedFor() throws Exception {
    storeHistory();
    String before = snapshot();
    assertThatThrownBy(() -> purge(TestHubs.TEAM, "mallory", 1, false))
        .isInstanceOf(LogPurge.Refused.class)
        .hasMessageStartingWith(
            "envelopes of other origins depend on what would be removed: b 1..1, b 2..2, c 1..1;"
                + " add --with-dependents");
    assertThat(snapshot()).isEqualTo(before);

    LogPurge.Result r = purge(TestHubs.TEAM, "mallory", 1, true);
    assertThat(r.removed())
        .containsExactly("mallory 1..1", "mallory 2..3", "b 1..1", "b 2..2", "c 1..1");
    assertThat(clock()).isEqualTo(Map.of("a", 3L));
  }

  @Test
  void aSeqInsideAnEnvelopeOrPastTheLogIsRefusedWithTheLogUnchanged() throws Exception {
    storeHistory();
    String before = snapshot();
    assertThatThrownBy(() -> purge(TestHubs.TEAM, "mallory", 3, false))
        .hasMessage(
            "seq 3 is inside the envelope mallory 2..3, which is removed whole or not at all:"
                + " use --from 2 or --from 4");
    assertThatThrownBy(() -> purge(TestHubs.TEAM, "mallory", 4, false))
        .hasMessage(
            "the hub holds mallory up to 3: nothing to remove from seq 4 (its envelopes start at"
                + " [1, 2])");
    assertThatThrownBy(() -> purge(TestHubs.TEAM, "nobody", 1, false))
        .hasMessage("the hub holds nothing of nobody: nothing to remove from seq 1");
    assertThatThrownBy(() -> purge("missing", "mallory", 1, false))
        .hasMessageStartingWith("there is no workspace missing in ");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aRunningHubHoldsItsDataDirectoryAgainstAPurgeAndASecondHub() throws Exception {
    storeHistory();
    String before = snapshot();
    try (HubServer hub = TestHubs.start(kind, dir)) {
      if (kind == TestStore.SQLITE) {
        assertThatThrownBy(() -> purge(TestHubs.TEAM, "mallory", 1, true))
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("a hub is running on " + dir.toAbsolutePath());
        assertThatThrownBy(() -> TestHubs.start(dir))
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("a hub is running on " + dir.toAbsolutePath());
      } else { // an instance on another machine holds the store: its clock is in its memory
        try (HubServer other =
            HubServer.start(TestHubs.config(dir.resolve("elsewhere")).withStore(pg()))) {
          hub.close();
          assertThatThrownBy(() -> purge(TestHubs.TEAM, "mallory", 1, true))
              .isInstanceOf(LogPurge.Refused.class)
              .hasMessageStartingWith("hub instances are running on ")
              .hasMessageEndingWith("stop every one, purge, then start them");
          assertThat(other.port()).isPositive();
        }
      }
      assertThat(snapshot()).isEqualTo(before);
    }
    assertThat(purge(TestHubs.TEAM, "mallory", 1, true).removed()).hasSize(5);
    try (HubServer again = TestHubs.start(kind, dir)) {
      assertThat(again.port()).isPositive(); // the lock went with the hub that held it
    }
  }

  private static Envelope envelope(String origin, long first, long last, String deps) {
    return new Envelope(origin, first, last, deps, "Z2FyYmFnZQ==", null);
  }

  private Map<String, Long> clock() throws Exception {
    try (LogStores stores = stores();
        LogStore store = stores.open(TestHubs.TEAM)) {
      return store.loadClock();
    }
  }

  /** The SQLite file's bytes, or the workspace's rows in PostgreSQL, as a SHA-256. */
  private String snapshot() throws Exception {
    byte[] bytes;
    if (kind == TestStore.SQLITE) {
      bytes = Files.readAllBytes(Workspaces.logFile(dir, TestHubs.TEAM));
    } else {
      StringBuilder rows = new StringBuilder();
      try (Connection db = DriverManager.getConnection(pg().url());
          Statement st = db.createStatement()) {
        for (String table : List.of("envelope e ORDER BY id", "clock e ORDER BY ws, origin")) {
          try (ResultSet rs = st.executeQuery("SELECT e::text FROM chora_hub." + table)) {
            while (rs.next()) {
              rows.append(rs.getString(1)).append('\n');
            }
          }
        }
      }
      bytes = rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
