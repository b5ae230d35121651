package io.chora.it.conformance;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteException;

/**
 * One scenario's run on one driver: its connection to a fresh file and the observations it notes,
 * one line each. The helpers note what an application sees of each call: results with their
 * metadata and value classes, update counts, generated keys, errors with SQLState, code and
 * message.
 */
final class Run implements AutoCloseable {
  private final String prefix;
  private final Path file;
  final Connection conn;
  private final List<String> seen = new ArrayList<>();
  private final List<Connection> others = new ArrayList<>();
  private Statement st;

  Run(String prefix, Path file) throws SQLException {
    this.prefix = prefix;
    this.file = file;
    this.conn = DriverManager.getConnection(url(""));
  }

  String url(String query) {
    return prefix + file + (query.isEmpty() ? "" : "?" + query);
  }

  boolean isChora() {
    return prefix.equals("jdbc:chora:");
  }

  /** Another connection to the same file through the same driver, closed with the run. */
  Connection open(String query) throws SQLException {
    Connection c = DriverManager.getConnection(url(query));
    others.add(c);
    return c;
  }

  Connection open() throws SQLException {
    return open("");
  }

  SQLiteConnection sqlite() throws SQLException {
    return conn.unwrap(SQLiteConnection.class);
  }

  /** The run's own statement, made on first use. */
  Statement st() throws SQLException {
    if (st == null) {
      st = conn.createStatement();
    }
    return st;
  }

  /** Notes one observation; the run's folder is written DIR, as it differs between the runs. */
  synchronized void note(String line) {
    seen.add(line.replace(file.getParent().toString(), "DIR"));
  }

  void note(String label, Object value) {
    note(label + ": " + show(value));
  }

  synchronized List<String> seen() {
    return List.copyOf(seen);
  }

  /** Runs statements whose results the scenario does not look at (its setup). */
  void setup(String... sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }

  /** {@code execute(sql)}: its answer, the update count, and the result set if there is one. */
  void execute(String sql) throws SQLException {
    Statement s = st();
    boolean result = s.execute(sql);
    note("execute " + sql + ": " + result + ", update count " + s.getUpdateCount());
    if (result) {
      try (ResultSet rs = s.getResultSet()) {
        rows(rs);
      }
    }
    note("  more results " + s.getMoreResults() + ", update count " + s.getUpdateCount());
  }

  void update(String sql) throws SQLException {
    note("update " + sql + ": " + st().executeUpdate(sql));
  }

  void query(String sql) throws SQLException {
    note("query " + sql);
    try (ResultSet rs = st().executeQuery(sql)) {
      rows(rs);
    }
  }

  /** The result's columns (label, types, class) and each row's values with their Java classes. */
  void rows(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      columns.add(
          meta.getColumnLabel(i)
              + " "
              + meta.getColumnTypeName(i)
              + "("
              + meta.getColumnType(i)
              + ")");
    }
    note("  columns " + columns);
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        row.add(show(rs.getObject(i)));
      }
      note("  row " + String.join(" | ", row));
    }
  }

  /** Runs {@code call}, noting "ok" or the error it throws. */
  void fails(String label, Call call) {
    try {
      call.run();
      note(label + ": ok");
    } catch (Throwable e) {
      note(label + ": " + error(e));
    }
  }

  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  /**
   * The generated keys of {@code s}, each shown as the row of {@code table} it names (java mode
   * takes generated keys from the replica's own key space, docs/keys.md, so their values differ
   * from plain SQLite's on purpose) and whether it is {@code last_insert_rowid()}.
   */
  void keys(Statement s, String table) throws SQLException {
    long last = scalar("SELECT last_insert_rowid()");
    try (ResultSet rs = s.getGeneratedKeys()) {
      note("  generated keys columns " + rs.getMetaData().getColumnCount());
      while (rs.next()) {
        long key = rs.getLong(1);
        note(
            "  generated key of row "
                + rowOf(table, key)
                + (key == last ? " = last_insert_rowid()" : " != last_insert_rowid()"));
      }
    }
  }

  /** The row of {@code table} at {@code rowid}, without its rowid column. */
  String rowOf(String table, long rowid) throws SQLException {
    List<String> cols = Dump.valueColumns(conn, table);
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + (cols.isEmpty() ? "'-'" : String.join(", ", cols))
                    + " FROM "
                    + table
                    + " WHERE rowid = "
                    + rowid)) {
      if (!rs.next()) {
        return "(none)";
      }
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.add(show(rs.getObject(i)));
      }
      return String.join(" | ", row);
    }
  }

  long scalar(String sql) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The state at the end: the schema, every table's rows, counts, warnings, autocommit. */
  void end() throws SQLException {
    if (conn.isClosed()) {
      note("end: closed");
      return;
    }
    Dump.into(this);
    note("end: autocommit " + conn.getAutoCommit() + ", warnings " + warnings(conn.getWarnings()));
  }

  static String warnings(SQLWarning w) {
    List<String> all = new ArrayList<>();
    for (; w != null; w = w.getNextWarning()) {
      all.add(w.getSQLState() + " " + w.getMessage());
    }
    return all.toString();
  }

  /** A value as its Java class and content. */
  static String show(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof byte[] b) {
      return "byte[] " + HexFormat.of().formatHex(b);
    }
    if (v instanceof int[] a) {
      return "int[] " + Arrays.toString(a);
    }
    if (v instanceof long[] a) {
      return "long[] " + Arrays.toString(a);
    }
    return v.getClass().getSimpleName() + " " + v;
  }

  /** An error as an application sees it: class, SQLState, code, SQLite's result code, message. */
  static String error(Throwable e) {
    StringBuilder s = new StringBuilder(e.getClass().getName());
    if (e instanceof SQLException q) {
      s.append(" state ").append(q.getSQLState()).append(" code ").append(q.getErrorCode());
    }
    if (e instanceof SQLiteException q) {
      s.append(" ").append(q.getResultCode());
    }
    if (e instanceof BatchUpdateException b) {
      s.append(" counts ").append(Arrays.toString(b.getUpdateCounts()));
    }
    s.append(" \"").append(e.getMessage()).append('"');
    return s.toString();
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : others) {
      c.close();
    }
    conn.close();
  }
}
