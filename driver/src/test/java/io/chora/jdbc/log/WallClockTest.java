package io.chora.jdbc.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.shared.WallClock;
import io.chora.sync.Hlc;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New HLCs come from {@link Hlc#next} at {@link WallClock}'s time, which tests can set. */
class WallClockTest {
  private static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  @AfterEach
  void systemClock() {
    WallClock.reset();
  }

  private static void at(long millis) {
    WallClock.use(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
  }

  private Connection open() throws SQLException {
    return DriverManager.getConnection("jdbc:chora:" + dir.resolve("a.db") + "?chora.site=a");
  }

  private static List<Long> hlcs(Connection conn) throws SQLException {
    return conn
        .unwrap(ChoraConnection.class)
        .changesSince(new VectorClock())
        .transactions()
        .stream()
        .map(Transaction::hlc)
        .toList();
  }

  @Test
  void commitsAreStampedWithTheInjectedTimeAndNeverGoBack() throws SQLException {
    at(T);
    try (Connection conn = open();
        Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      st.executeUpdate("INSERT INTO note VALUES (1, 'a')");
      st.executeUpdate("INSERT INTO note VALUES (2, 'b')"); // same millisecond: the counter moves
      at(T - 5_000); // the wall clock steps back: the HLC does not
      st.executeUpdate("INSERT INTO note VALUES (3, 'c')");
      at(T + 7);
      st.executeUpdate("INSERT INTO note VALUES (4, 'd')");
      assertThat(hlcs(conn))
          .containsExactly(
              Hlc.fromMillis(T),
              Hlc.fromMillis(T) + 1,
              Hlc.fromMillis(T) + 2,
              Hlc.fromMillis(T + 7));
    }
  }

  @Test
  void aMarkerTriggerOfAnOlderChoraIsReplacedOnOpen() throws SQLException {
    try (Connection conn = open();
        Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
    }
    // what older files hold: a trigger that makes its HLC in SQL, without chora_next_hlc
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"));
        Statement st = plain.createStatement()) {
      String sql;
      try (ResultSet rs =
          st.executeQuery("SELECT sql FROM sqlite_schema WHERE name = 'chora_commit_marker'")) {
        sql = rs.getString(1);
      }
      st.execute("DROP TRIGGER chora_commit_marker");
      st.execute(sql.replace(NextHlcFunction.NAME + "(", "(1 + "));
    }
    at(T);
    try (Connection conn = open();
        Statement st = conn.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT sql FROM sqlite_schema WHERE name = 'chora_commit_marker'")) {
        assertThat(rs.getString(1)).contains(NextHlcFunction.NAME + "(");
      }
      st.executeUpdate("INSERT INTO note VALUES (1, 'a')");
      assertThat(hlcs(conn)).containsExactly(Hlc.fromMillis(T));
    }
  }
}
