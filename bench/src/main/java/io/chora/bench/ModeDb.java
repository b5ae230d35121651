package io.chora.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark database in one of three setups, side by side: plain sqlite-jdbc ({@code sqlite}),
 * chora's java mode ({@code chora}) and chora's native mode ({@code crsqlite}), all with {@code
 * journal_mode=WAL} and {@code synchronous=NORMAL}. The item table declares its key NOT NULL in all
 * three, since cr-sqlite requires it (for SQLite it changes nothing: a rowid key is never NULL).
 */
final class ModeDb implements AutoCloseable {
  static final String CREATE_ITEM =
      "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, name TEXT, qty INTEGER, price REAL)";
  private static final String OPTIONS = "journal_mode=WAL&synchronous=NORMAL";

  final Connection conn;
  private final Path dir;

  private ModeDb(Path dir, Connection conn) {
    this.dir = dir;
    this.conn = conn;
  }

  /** A connection to {@code file} through {@code driver}: sqlite, chora or crsqlite. */
  static Connection connect(String driver, Path file) throws SQLException {
    String url =
        switch (driver) {
          case "sqlite" -> "jdbc:sqlite:" + file + "?" + OPTIONS;
          case "chora" -> "jdbc:chora:" + file + "?" + OPTIONS;
          case "crsqlite" -> "jdbc:chora:" + file + "?chora.mode=crsqlite&" + OPTIONS;
          default ->
              throw new IllegalArgumentException(
                  "driver must be sqlite, chora or crsqlite: " + driver);
        };
    return DriverManager.getConnection(url);
  }

  /** A fresh file in a temporary folder, with the item table. */
  static ModeDb open(String driver) throws SQLException {
    Path dir = tempDir(driver);
    Connection conn = connect(driver, dir.resolve("bench.db"));
    ModeDb db = new ModeDb(dir, conn);
    try {
      db.exec(CREATE_ITEM);
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  static Path tempDir(String driver) {
    try {
      return Files.createTempDirectory("chora-bench-" + driver + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  /** An empty item table, without a DELETE (which java mode would log and cr-sqlite record). */
  void recreateItem() throws SQLException {
    exec("DROP TABLE item");
    exec(CREATE_ITEM);
  }

  @Override
  public void close() throws SQLException {
    try {
      conn.close();
    } finally {
      deleteTree(dir);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temp folder is not worth failing a benchmark for
    }
  }
}
