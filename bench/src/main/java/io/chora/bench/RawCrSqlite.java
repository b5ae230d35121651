package io.chora.bench;

import io.chora.crsqlite.CrSqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * cr-sqlite without chora: plain sqlite-jdbc connections with the extension loaded, {@code item} a
 * CRR. The reference a bulk sync is compared with is its raw merge: the rows of one database's
 * {@code crsql_changes} inserted into another's in one transaction, read beforehand so that only
 * the merge is timed.
 */
final class RawCrSqlite {
  private static final String COLUMNS =
      "\"table\", pk, cid, val, col_version, db_version, site_id, cl, seq";

  private RawCrSqlite() {}

  /** {@code file} with cr-sqlite loaded and {@code item} created as a CRR if it is not there. */
  static Connection open(Path file) throws SQLException {
    Connection conn = BenchDb.connect(BenchDb.SQLITE, file, null);
    try {
      CrSqlite.load(conn);
      try (Statement st = conn.createStatement()) {
        st.execute(BenchDb.CREATE_ITEM.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
        st.execute("SELECT crsql_as_crr('item')");
      }
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** cr-sqlite wants {@code crsql_finalize()} before a connection that loaded it closes. */
  static void close(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("SELECT crsql_finalize()");
    } finally {
      conn.close();
    }
  }

  /** Every row of {@code crsql_changes}, as its columns' values. */
  static List<Object[]> changes(Connection conn) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM crsql_changes")) {
      while (rs.next()) {
        Object[] row = new Object[9];
        for (int i = 0; i < 9; i++) {
          row[i] = rs.getObject(i + 1);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Inserts {@code rows} into {@code conn}'s {@code crsql_changes} in one transaction. */
  static void merge(Connection conn, List<Object[]> rows) throws SQLException {
    conn.setAutoCommit(false);
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO crsql_changes(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int n = 0;
      for (Object[] row : rows) {
        for (int i = 0; i < 9; i++) {
          ps.setObject(i + 1, row[i]);
        }
        ps.addBatch();
        if (++n % 10_000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
  }
}
