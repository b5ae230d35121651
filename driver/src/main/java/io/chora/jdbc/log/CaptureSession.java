package io.chora.jdbc.log;

import io.chora.jdbc.seam.PreparedText;
import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.StatementFunnel;
import io.chora.jdbc.seam.SteppedStatement;
import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * One connection's transaction bookkeeping for capture. The triggers log rows inside the user's
 * transaction; this class makes sure every committed transaction that logged rows ends with one
 * commit marker:
 *
 * <ul>
 *   <li>JDBC transactions (autoCommit off): the marker goes in right before {@code commit()}.
 *   <li>autocommit writes: the statement runs inside BEGIN ... marker ... COMMIT, so the marker
 *       commits atomically with it (SQLite would otherwise commit before we get control back).
 *   <li>BEGIN / COMMIT / SAVEPOINT / RELEASE sent as SQL are followed ({@link SqlTransactions}).
 * </ul>
 *
 * Table DDL refreshes the triggers in the same transaction. Work that chora itself does runs with
 * {@code depth > 0} and is passed straight through.
 */
final class CaptureSession implements StatementFunnel {
  private final LogConnection conn;
  private final Set<String> onlyTables;
  private final String label;
  private final SqlTransactions sqlTransaction = new SqlTransactions();
  private final Map<String, SteppedStatement> prepared = new HashMap<>();
  private final GeneratedKeys keys;
  private int depth;
  private boolean commitPending;
  private Statement cursorOwner;
  private long userChanges = -1;

  CaptureSession(LogConnection conn, Set<String> onlyTables, String label, GeneratedKeys keys) {
    this.conn = conn;
    this.keys = keys;
    this.onlyTables = onlyTables;
    this.label = label;
  }

  @Override
  public boolean isPassThrough() {
    return depth > 0;
  }

  @Override
  public String rewrite(String sql) throws SQLException {
    // the key rewrite may read the schema: chora's own reads, not statements to commit around
    return depth > 0 ? sql : internal(() -> keys.rewrite(sql));
  }

  @Override
  public PreparedText prepare(String sql) throws SQLException {
    return depth > 0 ? PreparedText.unchanged(sql) : internal(() -> keys.prepare(sql));
  }

  /** Runs {@code action}, a statement of {@code kind} named by {@code sql}, under capture rules. */
  @Override
  public <T> T run(SqlKind kind, String sql, SqlAction<T> action, Statement owner)
      throws SQLException {
    T result = run(kind, sql, action);
    if (kind != SqlKind.READ) {
      holdCommitFor(owner);
    }
    return result;
  }

  /**
   * sqlite-jdbc counts an update's rows as the growth of total_changes(), which includes the rows
   * capture triggers append to the log and the key blocks chora claims: those are taken back out.
   */
  @Override
  public long userRows(SqlAction<Long> update) throws SQLException {
    long logged = logSize();
    long claimed = keys.ownRows();
    long count = update.run();
    return count - Math.max(0, logSize() - logged) - (keys.ownRows() - claimed);
  }

  /** A batch of SQL strings without table DDL: one write, unless it controls transactions. */
  @Override
  public long[] batch(List<SqlKind> kinds, SqlAction<long[]> batch, Statement owner)
      throws SQLException {
    refuseUnfollowable(kinds);
    return run(SqlKind.WRITE, null, batch);
  }

  @Override
  public void statementClosed() {
    finishPendingCommit();
  }

  private <T> T run(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    if (depth > 0) {
      return action.run();
    }
    finishPendingCommit();
    switch (kind) {
      case READ, OTHER, OTHER_DDL, ROLLBACK_TO:
        return action.run();
      case BEGIN:
        return following(action, () -> sqlTransaction.begun());
      case SAVEPOINT:
        boolean outside = conn.getAutoCommit() && !sqlTransaction.isOpen();
        return following(
            action, () -> sqlTransaction.savepoint(SqlTransactions.savepointName(sql), outside));
      case RELEASE:
        String name = SqlTransactions.savepointName(sql);
        if (sqlTransaction.releaseCommits(name)) {
          mark();
        }
        return following(action, () -> sqlTransaction.released(name));
      case COMMIT:
        mark();
        return following(action, sqlTransaction::ended);
      case ROLLBACK:
        return following(action, sqlTransaction::ended);
      case SCRIPT:
        refuseUnfollowable(SqlClassifier.SHARED.classifyScript(sql));
        return write(kind, sql, action);
      default:
        return write(kind, sql, action);
    }
  }

  /** Runs transaction control and updates what we know; on failure asks SQLite where it stands. */
  private <T> T following(SqlAction<T> action, Runnable onSuccess) throws SQLException {
    T result;
    try {
      result = action.run();
    } catch (SQLException e) {
      resyncAfter(e);
      throw e;
    }
    onSuccess.run();
    return result;
  }

  private <T> T write(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    if (!conn.getAutoCommit() || sqlTransaction.isOpen()) {
      return internal(
          () -> {
            try {
              beforeTableDdl(kind, sql);
              T result = action.run();
              rememberUserChanges();
              return result;
            } catch (SQLException e) {
              resyncAfter(e);
              throw e;
            } finally {
              if (kind.changesTables()) {
                refreshTriggers(); // also after a failed DDL: its pre-drop must not stick
              }
            }
          });
    }
    return internal(
        () -> {
          exec("BEGIN");
          T result;
          try {
            beforeTableDdl(kind, sql);
            result = action.run();
            rememberUserChanges();
          } catch (SQLException | RuntimeException | Error e) {
            if (kind.changesTables() || isBusy(e)) {
              rollbackQuietly(e);
            } else {
              // SQLite already undid the failed statement (or batch entry); what ran before it
              // in this wrapper stays, exactly as under plain autocommit
              commitAfterFailure(e);
            }
            throw e;
          }
          try {
            if (kind.changesTables()) {
              refreshTriggers();
            }
            if (result instanceof ResultSet || Boolean.TRUE.equals(result)) {
              // INSERT ... RETURNING left a cursor open: SQLite refuses COMMIT until it is done,
              // so the commit waits for the cursor's statement, or the next statement, to run
              mark();
              commitPending = true;
              finishPendingCommit();
            } else {
              mark();
              exec("COMMIT");
            }
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
          }
          return result;
        });
  }

  /** Commits an autocommit write whose result cursor held the transaction open, if it can. */
  void finishPendingCommit() {
    if (commitPending) {
      try {
        exec("COMMIT");
        commitPending = false;
        cursorOwner = null;
      } catch (SQLException cursorStillOpen) {
        // the RETURNING cursor is still being read: the commit is tried again later
      }
    }
  }

  /** Notes which statement's open cursor holds a pending commit (see {@link #closing()}). */
  private void holdCommitFor(Statement statement) {
    if (commitPending && cursorOwner == null) {
      cursorOwner = statement;
    }
  }

  /** The connection is closing: end the cursor that holds a pending commit, then commit. */
  void closing() throws SQLException {
    if (commitPending && cursorOwner != null) {
      cursorOwner.close(); // closing it finishes the pending commit
    }
    finishPendingCommit();
  }

  /** The highest log row id: its growth over a statement is how many rows capture logged. */
  private long logSize() throws SQLException {
    return statement("SELECT max(id) FROM chora_log").queryLong();
  }

  boolean inSqlTransaction() {
    return sqlTransaction.isOpen();
  }

  /** What {@code changes()} reports: the user's last write, not chora's own statements. */
  long userChanges() throws SQLException {
    return userChanges >= 0 ? userChanges : conn.lastStatementChanges();
  }

  private void rememberUserChanges() throws SQLException {
    userChanges = conn.lastStatementChanges();
  }

  /**
   * Writes the commit marker if the transaction logged rows. The check is a read first: a
   * transaction that wrote nothing must not take the write lock just to find that out.
   */
  void mark() throws SQLException {
    if (statement(CaptureSchema.LOG_TAIL_OP).queryLong() > 0) {
      statement(CaptureSchema.MARK_COMMIT).run();
    }
  }

  /** Re-reads the schema and brings the capture triggers up to date. */
  void refreshTriggers() throws SQLException {
    internal(() -> TriggerSync.sync(conn, onlyTables, label));
    GeneratedKeys.schemaChanged(label);
  }

  /** Runs chora's own work: nothing inside it is wrapped or refreshed again. */
  <T> T internal(SqlAction<T> action) throws SQLException {
    depth++;
    try {
      return action.run();
    } finally {
      depth--;
    }
  }

  /** ALTER TABLE ... DROP COLUMN fails while a trigger names the column: ours go first. */
  private void beforeTableDdl(SqlKind kind, String sql) throws SQLException {
    if (kind == SqlKind.TABLE_DDL) {
      String table = SqlClassifier.SHARED.columnDroppedFrom(sql);
      if (table != null) {
        TriggerSync.dropColumnTriggers(conn, table);
      }
    }
  }

  /** Refuses scripts whose statements need handling between them. */
  static void refuseUnfollowable(List<SqlKind> kinds) throws SQLException {
    boolean tableDdl = false;
    for (SqlKind k : kinds) {
      switch (k) {
        case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO ->
            throw new SQLFeatureNotSupportedException(
                "chora: transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE) inside a"
                    + " multi-statement string is not supported; send it as its own statement");
        case TABLE_DDL -> tableDdl = true;
        default -> {}
      }
    }
    if (tableDdl && kinds.size() > 1) {
      throw new SQLFeatureNotSupportedException(
          "chora: CREATE/ALTER/DROP TABLE inside a multi-statement string is not supported"
              + " (capture must be refreshed between statements); send each statement on its own");
    }
  }

  /** After an error, SQLite may have ended the transaction itself (ROLLBACK conflicts, I/O). */
  private void resyncAfter(SQLException error) {
    if (sqlTransaction.isOpen() && !sqliteInTransaction()) {
      sqlTransaction.ended();
    }
  }

  /** SQLite has no getter for this in sqlite-jdbc: BEGIN succeeds only outside a transaction. */
  private boolean sqliteInTransaction() {
    try {
      exec("BEGIN");
    } catch (SQLException inTransaction) {
      return true;
    }
    try {
      exec("ROLLBACK");
    } catch (SQLException ignored) {
      // nothing was done inside the probe transaction
    }
    return false;
  }

  private void commitAfterFailure(Throwable cause) {
    try {
      mark();
      exec("COMMIT");
    } catch (SQLException e) {
      rollbackQuietly(cause); // e.g. the error already ended the transaction (ROLLBACK conflict)
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      exec("ROLLBACK");
    } catch (SQLException e) {
      if (sqliteInTransaction()) {
        cause.addSuppressed(e);
      }
    }
  }

  private static boolean isBusy(Throwable e) {
    return e instanceof SQLiteException s
        && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
  }

  private void exec(String sql) throws SQLException {
    statement(sql).run();
  }

  /** chora's fixed statements, prepared once per connection and stepped natively. */
  private SteppedStatement statement(String sql) throws SQLException {
    SteppedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = new SteppedStatement(conn, sql);
      prepared.put(sql, statement);
    }
    return statement;
  }
}
