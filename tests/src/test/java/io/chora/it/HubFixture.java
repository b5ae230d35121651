package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A hub on 127.0.0.1 with one workspace, and replicas that sync through it; closes them all. */
final class HubFixture implements AutoCloseable {
  static final String WORKSPACE = "team";
  static final String TOKEN = "team-token-0123456789";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  final Path dir;
  HubServer hub;
  private final List<Connection> open = new ArrayList<>();
  private java.util.function.UnaryOperator<HubConfig> configure = config -> config;

  HubFixture(Path dir) throws IOException {
    this.dir = dir;
    start(0);
  }

  /** A hub whose config {@code configure} changes, also when it is started again. */
  HubFixture(Path dir, java.util.function.UnaryOperator<HubConfig> configure) throws IOException {
    this.dir = dir;
    this.configure = configure;
    start(0);
  }

  /** From now on the hub starts with {@code configure} (call {@link #start} again). */
  void reconfigure(java.util.function.UnaryOperator<HubConfig> configure) {
    this.configure = configure;
  }

  void start(int port) throws IOException {
    hub = HubServer.start(hubConfig().withPort(port));
  }

  HubConfig hubConfig() {
    return configure.apply(HubConfig.of(dir.resolve("hub"), Map.of(WORKSPACE, TOKEN)));
  }

  /** The hub's stored log of the workspace. */
  Path store() {
    return dir.resolve("hub").resolve(WORKSPACE + ".db");
  }

  String url(String site, String token, String extra) {
    return "jdbc:chora:"
        + dir.resolve(site + ".db")
        + "?chora.site="
        + site
        + "&chora.hub=ws://127.0.0.1:"
        + hub.port()
        + "/"
        + WORKSPACE
        + "&chora.hub.token="
        + token
        + "&busy_timeout=10000"
        + extra;
  }

  /** A replica with a {@code note} table, syncing through the hub; {@code extra}: more options. */
  Connection replica(String site, String token, String extra) throws SQLException {
    Connection c = DriverManager.getConnection(url(site, token, extra));
    exec(c, "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
    open.add(c);
    return c;
  }

  Connection replica(String site) throws SQLException {
    return replica(site, TOKEN, "");
  }

  void close(Connection c) throws SQLException {
    c.close();
    open.remove(c);
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : open) {
      c.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  /** A condition to poll; an exception (e.g. the database busy with an apply) means "not yet". */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  static void await(String what, Check condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!holds(condition)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  private static boolean holds(Check check) {
    try {
      return check.holds();
    } catch (Exception e) {
      return false;
    }
  }

  static boolean sameRows(Connection... replicas) throws SQLException {
    List<String> first = rows(replicas[0], "SELECT * FROM note ORDER BY id");
    for (Connection c : replicas) {
      if (!rows(c, "SELECT * FROM note ORDER BY id").equals(first)) {
        return false;
      }
    }
    return true;
  }
}
