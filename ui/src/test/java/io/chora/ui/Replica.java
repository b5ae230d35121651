package io.chora.ui;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A replica as an application holds it: a {@code jdbc:chora:} file with its own site id and a
 * connection that stays open while the page reads the same file.
 */
final class Replica implements AutoCloseable {
  private static final String SCHEMA =
      "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT, stars REAL);"
          + "CREATE TABLE IF NOT EXISTS tag(id INTEGER PRIMARY KEY, name TEXT);"
          + "CREATE TABLE IF NOT EXISTS person(id INTEGER PRIMARY KEY, email TEXT UNIQUE,"
          + " name TEXT)";

  final String site;
  final String url;
  private final Connection conn;

  private Replica(String site, String url) throws SQLException {
    this.site = site;
    this.url = url;
    this.conn = DriverManager.getConnection(url);
    try (Statement st = conn.createStatement()) {
      for (String ddl : SCHEMA.split(";")) {
        st.execute(ddl);
      }
    }
  }

  static Replica open(Path dir, String site) throws SQLException {
    return open(dir, site, "");
  }

  /** {@code moreParameters} go on the URL, e.g. "&foreign_keys=true". */
  static Replica open(Path dir, String site, String moreParameters) throws SQLException {
    return new Replica(
        site, "jdbc:chora:" + dir.resolve(site + ".db") + "?chora.site=" + site + moreParameters);
  }

  ChoraConnection chora() throws SQLException {
    return conn.unwrap(ChoraConnection.class);
  }

  /** One statement, committed on its own (one transaction). */
  void exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  Object value(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  String title(long noteId) throws SQLException {
    return (String) value("SELECT title FROM note WHERE id = ?", noteId);
  }

  void syncWith(Replica other) throws SQLException {
    chora().syncWith(other.chora());
  }

  /**
   * Gives this replica {@code count} conflicts with {@code other} in {@code table} (note or tag):
   * rows {@code firstId..} are created here and synced, then both sides change the same column of
   * each row without seeing the other's change, and they sync again.
   */
  void concurrentEdits(Replica other, String table, int firstId, int count) throws SQLException {
    String column = table.equals("tag") ? "name" : "title";
    int lastId = firstId + count - 1;
    conn.setAutoCommit(false); // one transaction for all the rows
    try (PreparedStatement insert =
        conn.prepareStatement("INSERT INTO " + table + "(id, " + column + ") VALUES (?, ?)")) {
      for (int id = firstId; id <= lastId; id++) {
        insert.setInt(1, id);
        insert.setString(2, "original " + id);
        insert.addBatch();
      }
      insert.executeBatch();
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
    syncWith(other);
    String edit = "UPDATE " + table + " SET " + column + " = ? || id WHERE id BETWEEN ? AND ?";
    exec(edit, site + " edit ", firstId, lastId);
    other.exec(edit, other.site + " edit ", firstId, lastId);
    syncWith(other);
  }

  /** Both replicas write their own value into one note's title, then sync. */
  void concurrentTitles(Replica other, long noteId, String mine, String theirs)
      throws SQLException {
    exec("INSERT OR IGNORE INTO note(id, title) VALUES (?, 'original')", noteId);
    syncWith(other);
    exec("UPDATE note SET title = ? WHERE id = ?", mine, noteId);
    other.exec("UPDATE note SET title = ? WHERE id = ?", theirs, noteId);
    syncWith(other);
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
