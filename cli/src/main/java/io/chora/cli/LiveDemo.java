package io.chora.cli;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.RemoteChanges;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The demo's last step: the two replicas join a hub (started in-process, as {@code chora hub} would
 * run it) and a note written on one shows up on the other, with no sync call in between.
 */
final class LiveDemo {
  private static final String TOKEN = "demo-token-0123456789";

  private LiveDemo() {}

  static void run(Path dir, PrintStream out) throws Exception {
    out.println();
    out.println("6. Live: both join a hub; what one writes shows up on the other by itself");
    try (HubServer hub =
        HubServer.start(HubConfig.of(dir.resolve("hub"), Map.of("notes", TOKEN)))) {
      String options =
          "&chora.hub=ws://127.0.0.1:" + hub.port() + "/notes&chora.hub.token=" + TOKEN;
      out.println("  chora hub listening on ws://127.0.0.1:" + hub.port() + ", workspace notes");
      try (Connection laptop = open(dir, "laptop", options);
          Connection phone = open(dir, "phone", options)) {
        LinkedBlockingQueue<RemoteChanges> heard = new LinkedBlockingQueue<>();
        phone.unwrap(ChoraConnection.class).addRemoteChangeListener(heard::add);
        awaitConnected(laptop);
        awaitConnected(phone);
        long start = System.nanoTime();
        long id;
        try (Statement st = laptop.createStatement()) {
          st.executeUpdate(
              "INSERT INTO note(title) VALUES ('written live on the laptop')",
              Statement.RETURN_GENERATED_KEYS);
          try (ResultSet keys = st.getGeneratedKeys()) {
            keys.next();
            id = keys.getLong(1);
          }
        }
        RemoteChanges changes = heard.poll(10, TimeUnit.SECONDS);
        if (changes == null) {
          throw new IllegalStateException("the phone did not hear from the hub within 10 s");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        out.printf(
            "  the phone heard %s from %s after %d ms; its note %d: '%s'%n",
            changes.keysByTable(), changes.origin(), ms, id, title(phone, id));
      }
    }
  }

  private static Connection open(Path dir, String site, String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:chora:" + dir.resolve(site + ".db") + "?busy_timeout=5000" + options);
  }

  private static void awaitConnected(Connection c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.unwrap(ChoraConnection.class).hubStatus().caughtUp()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not reach the demo's hub");
      }
      Thread.sleep(10);
    }
  }

  private static String title(Connection c, long id) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT title FROM note WHERE id = " + id)) {
      return rs.next() ? rs.getString(1) : "(missing)";
    }
  }
}
