package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A benchmark's database, opened in one of the three modes the benchmarks compare: {@code sqlite}
 * (plain sqlite-jdbc, the baseline), {@code java} (chora's default java mode, {@code jdbc:chora:})
 * and {@code crsqlite} (chora's native mode, {@code chora.mode=crsqlite}). Every connection is
 * checked to run {@code journal_mode=WAL} and {@code synchronous=NORMAL}, so that the modes differ
 * only in what they do per statement, not in how durably SQLite writes.
 */
final class BenchDb implements AutoCloseable {
  /** The modes, as the benchmarks' {@code mode} parameter spells them. */
  static final String SQLITE = "sqlite";

  static final String JAVA = "java";
  static final String CRSQLITE = "crsqlite";

  /** Java mode with {@code item.qty} a counting column ({@code chora.counters}). */
  static final String JAVA_COUNTERS = "java-counters";

  /**
   * The key is NOT NULL in every mode because cr-sqlite requires it; for SQLite it changes nothing
   * (a rowid key is never NULL).
   */
  static final String CREATE_ITEM =
      "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, name TEXT, qty INTEGER, price REAL)";

  static final String INSERT_ITEM = "INSERT INTO item(id, name, qty, price) VALUES (?, ?, ?, ?)";

  /** The same row with the key left to SQLite (java mode: to the replica's key block). */
  static final String INSERT_ITEM_GENERATED = "INSERT INTO item(name, qty, price) VALUES (?, ?, ?)";

  private static final String OPTIONS = "journal_mode=WAL&synchronous=NORMAL";

  final Connection conn;
  private final Path dir;
  private final List<Statement> statements = new ArrayList<>();

  private BenchDb(Path dir, Connection conn) {
    this.dir = dir;
    this.conn = conn;
  }

  /** A fresh file in its own temporary folder, with the item table. */
  static BenchDb open(String mode) throws SQLException {
    Path dir = tempDir(mode);
    try {
      return new BenchDb(dir, replica(mode, dir, "bench"));
    } catch (SQLException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * The database {@code name}.db in {@code dir}, with the item table. In java mode {@code name} is
   * also the site id, which keeps change sets readable; native mode refuses {@code chora.site}
   * (cr-sqlite picks its own).
   */
  static Connection replica(String mode, Path dir, String name) throws SQLException {
    Connection conn = connect(mode, dir.resolve(name + ".db"), name);
    try {
      try (Statement st = conn.createStatement()) {
        st.execute(CREATE_ITEM);
      }
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /**
   * The database {@code file} as it is (a copy of a replica, say), opened in {@code mode}; in java
   * mode with the site {@code site}.
   */
  static Connection connect(String mode, Path file, String site) throws SQLException {
    String url =
        switch (mode) {
          case SQLITE -> "jdbc:sqlite:" + file + "?" + OPTIONS;
          case JAVA -> "jdbc:chora:" + file + "?chora.site=" + site + "&" + OPTIONS;
          case JAVA_COUNTERS ->
              "jdbc:chora:" + file + "?chora.site=" + site + "&chora.counters=item.qty&" + OPTIONS;
          case CRSQLITE -> "jdbc:chora:" + file + "?chora.mode=crsqlite&" + OPTIONS;
          default ->
              throw new IllegalArgumentException(
                  "mode must be sqlite, java, java-counters or crsqlite: " + mode);
        };
    Connection conn = DriverManager.getConnection(url);
    try {
      check(mode, conn);
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** Makes sure DriverManager handed back the mode asked for, and that the URL's pragmas took. */
  private static void check(String mode, Connection conn) throws SQLException {
    String got = SQLITE;
    if (conn instanceof ChoraConnection chora) {
      got =
          chora.siteId().endsWith("@crsqlite")
              ? CRSQLITE
              : mode.equals(JAVA_COUNTERS) ? mode : JAVA;
    }
    if (!got.equals(mode)) {
      throw new IllegalStateException(
          "asked for " + mode + " but got " + got + " (" + conn.getClass().getName() + ")");
    }
    expectPragma(conn, "journal_mode", "wal");
    expectPragma(conn, "synchronous", "1"); // NORMAL
  }

  private static void expectPragma(Connection conn, String pragma, String expected)
      throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
      String actual = rs.next() ? rs.getString(1) : null;
      if (!expected.equalsIgnoreCase(actual)) {
        throw new IllegalStateException(
            "PRAGMA " + pragma + " is " + actual + ", expected " + expected);
      }
    }
  }

  /** Binds item {@code id} the way the write benchmarks insert it: {@code n<id>}, id, id / 2. */
  static void bindItem(PreparedStatement ps, long id) throws SQLException {
    ps.setLong(1, id);
    ps.setString(2, "n" + id);
    ps.setLong(3, id);
    ps.setDouble(4, id * 0.5);
  }

  /** Binds item {@code n} as {@link #bindItem} does, for {@link #INSERT_ITEM_GENERATED}. */
  static void bindGeneratedItem(PreparedStatement ps, long n) throws SQLException {
    ps.setString(1, "n" + n);
    ps.setLong(2, n);
    ps.setDouble(3, n * 0.5);
  }

  /** Inserts items {@code from}.. in batched transactions of {@code perTx} rows. */
  static void fill(Connection conn, long from, long count, int perTx) throws SQLException {
    conn.setAutoCommit(false);
    try (PreparedStatement ps = conn.prepareStatement(INSERT_ITEM)) {
      for (long id = from; id < from + count; id++) {
        ps.setLong(1, id);
        ps.setString(2, "item " + id);
        ps.setLong(3, id % 1000);
        ps.setDouble(4, id * 0.25);
        ps.addBatch();
        long done = id - from + 1;
        if (done % 10_000 == 0 || done % perTx == 0 || done == count) {
          ps.executeBatch();
        }
        if (done % perTx == 0 || done == count) {
          conn.commit();
        }
      }
    }
    conn.setAutoCommit(true);
  }

  /** How many rows {@code item} holds. */
  static long count(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM item")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sums over every column of {@code item}: equal on two databases that hold the same rows. */
  static String checksum(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), sum(id), sum(length(name)), sum(qty), sum(price) FROM item")) {
      rs.next();
      return rs.getString(1)
          + "/"
          + rs.getString(2)
          + "/"
          + rs.getString(3)
          + "/"
          + rs.getString(4)
          + "/"
          + rs.getString(5);
    }
  }

  static Path tempDir(String mode) {
    try {
      return Files.createTempDirectory("chora-bench-" + mode + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A statement kept for the whole trial; {@link #close} closes it before the connection. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = conn.prepareStatement(sql);
    statements.add(ps);
    return ps;
  }

  /** An empty item table, without a DELETE (which java mode would log and cr-sqlite record). */
  void recreateItem() throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("DROP TABLE item");
      st.execute(CREATE_ITEM);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      for (Statement st : statements) {
        st.close();
      }
    } finally {
      try {
        conn.close();
      } finally {
        deleteTree(dir);
      }
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
