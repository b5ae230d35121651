package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One benchmark trial's database: a fresh temporary file opened through {@code jdbc:sqlite:} or
 * {@code jdbc:chora:}, both set to {@code journal_mode=WAL} and {@code synchronous=NORMAL}.
 */
final class BenchDb implements AutoCloseable {
  static final String CREATE_ITEM =
      "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL)";
  static final String INSERT_ITEM = "INSERT INTO item(id, name, qty, price) VALUES (?, ?, ?, ?)";

  final Connection conn;
  private final Path dir;

  private BenchDb(Path dir, Connection conn) {
    this.dir = dir;
    this.conn = conn;
  }

  /** A chora replica {@code site} in {@code dir} with the item table, WAL, synchronous=NORMAL. */
  static Connection replica(Path dir, String site) throws SQLException {
    Connection conn =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&journal_mode=WAL&synchronous=NORMAL");
    try (Statement st = conn.createStatement()) {
      st.execute(CREATE_ITEM);
    }
    return conn;
  }

  /** Inserts items {@code from}.. in batched transactions of {@code perTx} rows. */
  static void fill(Connection conn, long from, long count, int perTx) throws SQLException {
    conn.setAutoCommit(false);
    try (java.sql.PreparedStatement ps = conn.prepareStatement(INSERT_ITEM)) {
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

  /** Opens a fresh database file; {@code driver} is {@code sqlite} or {@code chora}. */
  static BenchDb open(String driver) throws SQLException {
    String prefix =
        switch (driver) {
          case "sqlite" -> "jdbc:sqlite:";
          case "chora" -> "jdbc:chora:";
          default ->
              throw new IllegalArgumentException("driver must be sqlite or chora: " + driver);
        };
    Path dir;
    try {
      dir = Files.createTempDirectory("chora-bench-" + driver + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String url = prefix + dir.resolve("bench.db").toAbsolutePath();
    Connection conn = DriverManager.getConnection(url);
    BenchDb db = new BenchDb(dir, conn);
    try {
      db.check(driver);
      try (Statement st = conn.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=NORMAL");
      }
      db.expectPragma("journal_mode", "wal");
      db.expectPragma("synchronous", "1"); // NORMAL
      db.exec(CREATE_ITEM);
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** Makes sure DriverManager handed back the driver the benchmark asked for. */
  private void check(String driver) {
    boolean chora = conn instanceof ChoraConnection;
    if (chora != driver.equals("chora")) {
      throw new IllegalStateException(
          "asked for " + driver + " but got " + conn.getClass().getName());
    }
  }

  private void expectPragma(String pragma, String expected) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
      String actual = rs.next() ? rs.getString(1) : null;
      if (!expected.equalsIgnoreCase(actual)) {
        throw new IllegalStateException(
            "PRAGMA " + pragma + " is " + actual + ", expected " + expected);
      }
    }
  }

  void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  /** Drops and recreates {@code item}: an empty table without a DELETE (which chora would log). */
  void recreateItem() throws SQLException {
    exec("DROP TABLE item");
    exec(CREATE_ITEM);
  }

  @Override
  public void close() throws SQLException {
    try {
      conn.close();
    } finally {
      deleteDir();
    }
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(BenchDb::deleteQuietly);
    } catch (IOException e) {
      // a leftover temp directory is not worth failing a benchmark for
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // see deleteDir
    }
  }
}
