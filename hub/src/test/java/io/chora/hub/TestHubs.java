package io.chora.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Hubs for tests: two workspaces, each with its token, on 127.0.0.1 and a free port. */
final class TestHubs {
  static final String TEAM = "team";
  static final String TEAM_TOKEN = "team-secret-token";
  static final String OTHER = "other";
  static final String OTHER_TOKEN = "other-secret-token";

  private TestHubs() {}

  static HubConfig config(Path dataDir) {
    return HubConfig.of(dataDir, Map.of(TEAM, TEAM_TOKEN, OTHER, OTHER_TOKEN));
  }

  static HubServer start(Path dataDir) throws IOException {
    return HubServer.start(config(dataDir));
  }

  static HubServer start(Path dataDir, UnaryOperator<HubConfig> change) throws IOException {
    return HubServer.start(change.apply(config(dataDir)));
  }

  static HubServer start(TestStore store, Path dataDir) throws IOException {
    return HubServer.start(store.apply(config(dataDir)));
  }

  static HubServer start(TestStore store, Path dataDir, UnaryOperator<HubConfig> change)
      throws IOException {
    return HubServer.start(store.apply(change.apply(config(dataDir))));
  }

  static TestClient team(HubServer hub) {
    return TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
  }
}
