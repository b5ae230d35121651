package io.chora.jdbc.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubAddressTest {
  @Test
  void aWorkspaceUrlBecomesTheVersionedEndpoint() throws SQLException {
    HubAddress a =
        HubAddress.parse(
            "ws://127.0.0.1:7070/team-1", "s3cret", "data/app.db?x=1", null, null, false);
    assertThat(a.endpoints()).containsExactly(URI.create("ws://127.0.0.1:7070/v1/team-1"));
    assertThat(a.workspace()).isEqualTo("team-1");
    assertThat(a.database()).isEqualTo(Path.of("data/app.db").toAbsolutePath().normalize());
    assertThat(a.toString()).doesNotContain("s3cret");
    assertThat(
            HubAddress.parse("wss://hub.example:443/w", "t", "file:a.db", null, null, false)
                .endpointsText())
        .isEqualTo("wss://hub.example:443/v1/w");
  }

  @Test
  void severalInstancesOfOneWorkspaceAreTriedInTheOrderGiven() throws SQLException {
    HubAddress a =
        HubAddress.parse(
            "ws://10.0.0.1:7070/team, wss://hub-b.example/team", "t", "a.db", null, null, false);
    assertThat(a.endpoints())
        .containsExactly(
            URI.create("ws://10.0.0.1:7070/v1/team"), URI.create("wss://hub-b.example/v1/team"));
    assertThat(a.workspace()).isEqualTo("team");
    assertThat(a.endpointsText())
        .isEqualTo("ws://10.0.0.1:7070/v1/team,wss://hub-b.example/v1/team");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ws://a:1/team,ws://b:1/other", // two workspaces
        "ws://a:1/team,ws://a:1/team", // one instance twice: a typo for another port
        "ws://a:1/team,", // an empty entry
        ",ws://a:1/team",
        "ws://a:1/team,http://b:1/team"
      })
  void aListOfInstancesIsCheckedWhole(String url) {
    assertThatThrownBy(() -> HubAddress.parse(url, "t", "a.db", null, null, false))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.hub");
  }

  @Test
  void noHubIsNullButATokenAloneIsAMistake() throws SQLException {
    assertThat(HubAddress.parse(null, null, "a.db", null, null, false)).isNull();
    assertThatThrownBy(() -> HubAddress.parse(null, "t", "a.db", null, null, false))
        .hasMessageContaining("chora.hub is not");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"http://h:1/w", "ws://h:1/", "ws://h:1/a/b", "ws:///w", "not a uri", "ws://h/w w"})
  void badHubUrlsAreRefusedWithTheExpectedShape(String url) {
    assertThatThrownBy(() -> HubAddress.parse(url, "t", "a.db", null, null, false))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.hub");
  }

  @Test
  void theHubNeedsATokenAndAFile() {
    assertThatThrownBy(() -> HubAddress.parse("ws://h:1/w", null, "a.db", null, null, false))
        .hasMessageContaining("chora.hub.token");
    assertThatThrownBy(() -> HubAddress.parse("ws://h:1/w", "t", ":memory:", null, null, false))
        .hasMessageContaining("needs a database file");
    assertThatThrownBy(
            () -> HubAddress.parse("ws://h:1/w", "t", "file:x?mode=memory", null, null, false))
        .hasMessageContaining("needs a database file");
  }
}
