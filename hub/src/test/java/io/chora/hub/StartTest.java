package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hub refuses before it listens, and how a failure to listen reads. */
class StartTest {
  @TempDir Path dataDir;

  @Test
  void aTokenShorterThanTheMinimumIsRefusedAndARandomOneIsLongEnough() {
    assertThatThrownBy(() -> HubConfig.of(dataDir, Map.of("team", "short")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the token of workspace team is too short: a hub token has at least 16 characters");
    assertThatThrownBy(() -> HubConfig.of(dataDir, Map.of("team", "  fifteen-chars  ")))
        .hasMessageContaining("too short");
    String token = HubConfig.randomToken();
    assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(HubConfig.randomToken());
    assertThat(HubConfig.of(dataDir, Map.of("team", token)).tokens()).containsKey("team");
  }

  @Test
  void aBusyPortIsABindExceptionThatSaysSo() throws Exception {
    try (HubServer first = TestHubs.start(dataDir.resolve("a"))) {
      assertThatThrownBy(() -> TestHubs.start(dataDir.resolve("b"), c -> c.withPort(first.port())))
          .isExactlyInstanceOf(BindException.class)
          .hasMessage("port " + first.port() + " is in use");
    }
  }
}
