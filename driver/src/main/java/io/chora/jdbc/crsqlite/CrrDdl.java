package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.StatementFunnel;
import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs the application's schema changes so that the synced tables stay CRRs. A statement that
 * changes tables ({@link SqlKind#changesTables()}; everything else runs as sqlite-jdbc runs it)
 * runs in a savepoint with the follow-up: an {@code ALTER TABLE} of a CRR between cr-sqlite's
 * {@code crsql_begin_alter} and {@code crsql_commit_alter} (without them cr-sqlite's triggers go
 * stale and later writes of the table fail), then {@link NativeSchema#reconcile}. A refused change
 * (a table that breaks a cr-sqlite rule, a rename) is rolled back to the savepoint, so the table is
 * not left behind half made. Writes need nothing: cr-sqlite's triggers record them.
 */
final class CrrDdl implements StatementFunnel {
  private static final Pattern ALTER_TABLE =
      Pattern.compile("\\bALTER\\s+TABLE\\b", Pattern.CASE_INSENSITIVE);

  private final NativeConnection conn;

  /**
   * What {@code total_changes()} reports: SQLite's total counts the rows cr-sqlite's triggers write
   * to its clock tables, so this adds up the rows the application's writes changed themselves
   * ({@code changes()}), guarded by the connection's monitor.
   */
  private long userTotal;

  CrrDdl(NativeConnection conn) {
    this.conn = conn;
  }

  long userTotal() {
    return userTotal;
  }

  /**
   * Runs the application's write {@code action} (of {@code kind}) and counts its rows. A prepared
   * batch's counts are sqlite-jdbc's, its rows; a RETURNING cursor is not done when the call
   * returns, so its rows are not known yet (known-limits.md).
   */
  private <T> T totalled(SqlKind kind, SqlAction<T> action) throws SQLException {
    T result = action.run();
    if (kind == SqlKind.WRITE) {
      if (result instanceof long[] counts) {
        userTotal += java.util.Arrays.stream(counts).sum();
      } else if (!(result instanceof java.sql.ResultSet) && !Boolean.TRUE.equals(result)) {
        userTotal += conn.lastStatementChanges();
      }
    }
    return result;
  }

  /** A batch of SQL strings: its counts are the rows of each entry. */
  @Override
  public long[] batch(List<SqlKind> kinds, SqlAction<long[]> batch, Statement owner)
      throws SQLException {
    return conn.atomically(() -> totalled(SqlKind.WRITE, batch));
  }

  @Override
  public boolean isPassThrough() {
    return false;
  }

  /**
   * sqlite-jdbc counts a plain statement's update by the connection's total changes, which here
   * include the rows cr-sqlite's triggers write to its clock tables (four for a one-row insert):
   * the application gets the rows its statement changed itself, SQLite's {@code changes()}, as from
   * plain sqlite-jdbc. Both counts are read in one step against other threads sharing the
   * connection, whose statements would otherwise be counted.
   */
  @Override
  public long userRows(SqlAction<Long> update) throws SQLException {
    return conn.atomically(
        () -> {
          long count = update.run();
          return count == 0 ? 0 : Math.min(count, conn.lastStatementChanges());
        });
  }

  @Override
  public <T> T run(SqlKind kind, String sql, SqlAction<T> action, Statement owner)
      throws SQLException {
    if (kind == SqlKind.READ) {
      return action.run();
    }
    if (!kind.changesTables()) {
      // sqlite-jdbc reads a prepared write's generated key after the write, in a second call that
      // another thread's plain-Statement write could precede: one step here
      return conn.atomically(() -> totalled(kind, action));
    }
    // the savepoint and its follow-up are one step: no other thread's write lands inside it
    return conn.atomically(() -> followSchema(kind, sql, action));
  }

  private <T> T followSchema(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    String altered = kind == SqlKind.TABLE_DDL ? SqlClassifier.SHARED.alteredTable(sql) : null;
    boolean crr = altered != null && CrrCatalog.clockedTables(conn).contains(altered);
    if (kind == SqlKind.SCRIPT && ALTER_TABLE.matcher(sql).find()) {
      throw new SQLFeatureNotSupportedException(
          "chora (crsqlite mode): send ALTER TABLE as a statement of its own, not inside a"
              + " multi-statement string: cr-sqlite must be told before and after a synced table"
              + " changes");
    }
    Sql.exec(conn, "SAVEPOINT chora_ddl");
    try {
      if (crr) {
        Sql.queryLong(conn, "SELECT crsql_begin_alter(?)", altered);
      }
      T result = action.run();
      if (crr) {
        if (CrrCatalog.describe(conn, altered) == null) {
          throw new SQLFeatureNotSupportedException(
              "chora (crsqlite mode): table '"
                  + altered
                  + "' syncs, and cr-sqlite 0.16 cannot rename a synced table: create the new"
                  + " table and copy the rows instead");
        }
        Sql.queryLong(conn, "SELECT crsql_commit_alter(?)", altered);
      }
      NativeSchema.reconcile(conn, conn.trackedOption());
      Sql.exec(conn, "RELEASE chora_ddl");
      return result;
    } catch (SQLException | RuntimeException e) {
      undo(conn, e);
      throw e;
    }
  }

  private static void undo(NativeConnection conn, Exception cause) {
    try {
      Sql.exec(conn, "ROLLBACK TO chora_ddl");
      Sql.exec(conn, "RELEASE chora_ddl");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
