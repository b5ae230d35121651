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
import java.util.HashSet;
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
 *
 * <p>Threads may share the connection, as with sqlite-jdbc: everything this class runs around a
 * statement, and every field below, is guarded by the connection's own monitor ({@link
 * io.chora.jdbc.seam.SqliteConnection#atomically}), so one autocommit write stays one transaction
 * whatever other threads do. Reads take no lock unless a commit is pending.
 */
final class CaptureSession implements StatementFunnel {
  private final LogConnection conn;
  private final Set<String> onlyTables;
  private final String label;
  private final SqlTransactions sqlTransaction = new SqlTransactions();
  private final Map<String, SteppedStatement> prepared = new HashMap<>();
  private final GeneratedKeys keys;

  /** Only the thread holding the monitor may be inside chora's work: it alone reads this as > 0. */
  private int depth;

  /** Written under the monitor; volatile so that reads can skip the monitor when it is false. */
  private volatile boolean commitPending;

  /** Statements whose open cursors may hold the pending commit: closed when the connection is. */
  private final Set<Statement> cursorOwners = new HashSet<>();

  /** The counts the application sees: update counts, changes(), total_changes(). */
  private final UserCounts counts;

  /** The open transaction changed tables while changes are kept aside: fill before it commits. */
  private boolean fillPending;

  /** The increment texts {@link UndeclaredIncrements} already looked at on this connection. */
  private final Set<String> incrementsSeen = new HashSet<>();

  /** The column rename the statement being run makes, its old name as the schema spells it. */
  private SqlClassifier.ColumnRename renaming;

  /** The column the statement being run adds (its rows then hold only its default). */
  private SqlClassifier.ColumnAdd adding;

  /** Which counters the running statement increments (chora.counters). */
  private final CounterCapture counting;

  CaptureSession(
      LogConnection conn,
      Set<String> onlyTables,
      String label,
      GeneratedKeys keys,
      CounterCapture counting)
      throws SQLException {
    this.conn = conn;
    this.counting = counting;
    this.counts = new UserCounts(conn, keys, counting);
    this.keys = keys;
    this.onlyTables = onlyTables;
    this.label = label;
  }

  @Override
  public boolean isPassThrough() {
    // another thread's depth is not ours: that thread holds the monitor while it is above 0
    return depth > 0 && conn.isHeldByCurrentThread();
  }

  @Override
  public String rewrite(String sql) throws SQLException {
    // the key rewrite may read the schema: chora's own reads, not statements to commit around
    return isPassThrough() || !GeneratedKeys.mayInsert(sql)
        ? sql
        : internal(() -> keys.rewrite(sql));
  }

  @Override
  public PreparedText prepare(String sql) throws SQLException {
    if (isPassThrough()) {
      return PreparedText.unchanged(sql);
    }
    PreparedText text = internal(() -> keys.prepare(sql));
    if (text.keys() == null) {
      return text;
    }
    // batch rows take their keys outside any statement: the claims' bookkeeping is guarded too
    return new PreparedText(
        text.sql(), text.keyParameter(), () -> internal(() -> text.keys().nextKey()));
  }

  /**
   * Runs {@code action}, a statement of {@code kind} named by {@code sql}, under capture rules, as
   * one step against other threads. A read needs nothing around it but a pending commit.
   */
  @Override
  public <T> T run(SqlKind kind, String sql, SqlAction<T> action, Statement owner)
      throws SQLException {
    if (kind == SqlKind.READ) {
      statementClosed();
      return action.run();
    }
    return conn.atomically(
        () -> {
          T result = run(kind, sql, action);
          holdCommitFor(owner);
          return result;
        });
  }

  /**
   * sqlite-jdbc counts an update's rows as the growth of total_changes(), which includes the rows
   * capture triggers append to the log (and increments to chora_adds) and the key blocks chora
   * claims: those are taken back out.
   */
  @Override
  public long userRows(SqlAction<Long> update) throws SQLException {
    return counts.userRows(update);
  }

  /** A batch of SQL strings without table DDL: one write, unless it controls transactions. */
  @Override
  public long[] batch(List<SqlKind> kinds, SqlAction<long[]> batch, Statement owner)
      throws SQLException {
    refuseUnfollowable(kinds);
    return conn.atomically(() -> run(SqlKind.WRITE, null, batch));
  }

  /** SQLite's {@code changes()} as the application's statements alone would have left it. */
  @Override
  public long changes(long sqlite) throws SQLException {
    return isPassThrough() ? sqlite : counts.userChanges();
  }

  @Override
  public void statementClosed() {
    if (commitPending) {
      try {
        conn.atomically(
            () -> {
              if (depth == 0) {
                finishPendingCommit();
              }
              return null;
            });
      } catch (SQLException notThrown) {
        // finishPendingCommit keeps a failed commit pending and throws nothing
      }
    }
  }

  private <T> T run(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    if (depth > 0) {
      return action.run();
    }
    finishPendingCommit();
    switch (kind) {
      case READ, OTHER:
        if (fillPending && (!conn.getAutoCommit() || sqlTransaction.isOpen())) {
          fillBefore(kind);
        }
        return action.run();
      case OTHER_DDL:
        return otherDdl(action);
      case ROLLBACK_TO:
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
          beforeCommit();
        }
        return following(action, () -> sqlTransaction.released(name));
      case COMMIT:
        beforeCommit();
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

  /**
   * An index, a view or a trigger leaves capture as it is, but moves the schema version the
   * triggers were stamped with; stamped again in the statement's transaction, or the next
   * connection to open takes a write transaction to find nothing to do, and a pool opening
   * connections (HikariCP while Flyway migrates) breaks other connections' transactions that read
   * before they write with SQLITE_BUSY_SNAPSHOT. The statement takes its own locks first, as under
   * sqlite-jdbc: a temporary table's moves no version and locks nothing in main.
   */
  private <T> T otherDdl(SqlAction<T> action) throws SQLException {
    if (!conn.getAutoCommit() || sqlTransaction.isOpen()) {
      T result = action.run();
      restampIfMoved();
      return result;
    }
    return internal(
        () -> {
          exec("BEGIN");
          T result;
          try {
            result = action.run();
            restampIfMoved();
            exec("COMMIT");
          } catch (SQLException | RuntimeException | Error e) {
            rollbackUnheard(e);
            throw e;
          }
          return result;
        });
  }

  private void restampIfMoved() throws SQLException {
    if (!internal(() -> TriggerSync.isCurrent(conn, null))) {
      refreshTriggers();
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
    if (commitPending && conn.getAutoCommit()) {
      return joinPending(kind, sql, action);
    }
    if (!conn.getAutoCommit() || sqlTransaction.isOpen()) {
      return internal(
          () -> {
            T result;
            try {
              lockForWrite(kind, sql);
              fillBefore(kind);
              beforeTableDdl(kind, sql);
              result = counted(kind, sql, action);
              afterTableDdl();
              rememberUserChanges(kind);
            } catch (SQLException e) {
              resyncAfter(e);
              throw e;
            } finally {
              if (kind.changesTables()) {
                refreshTriggers(); // also after a failed DDL: its pre-drop must not stick
              }
            }
            return result;
          });
    }
    return internal(
        () -> {
          beginForWrite(kind, sql);
          T result;
          try {
            fillBefore(kind);
            beforeTableDdl(kind, sql);
            result = counted(kind, sql, action);
            afterTableDdl();
            rememberUserChanges(kind);
          } catch (SQLException | RuntimeException | Error e) {
            // (a batch's earlier entries ran even when the failing one was refused as prepared)
            if (kind.changesTables() || isBusy(e) || (refusedAsPrepared && sql != null)) {
              // under sqlite-jdbc a DDL refused as it is prepared, and a write that never got the
              // lock, end no transaction: the listeners hear nothing of the wrapper's rollback
              rollbackUnheard(e);
            } else {
              // SQLite already undid the failed statement (or batch entry); what ran before it
              // in this wrapper stays, exactly as under plain autocommit
              commitAfterFailure(sql, e);
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
              beforeCommit();
              counts.commitPutOff();
              commitPending = true;
              finishPendingCommit();
            } else if (counts.lastLogged() && !fillPending) {
              // the statement appended to the log just now: the marker is due, no tail to read
              statement(CaptureSchema.MARK_COMMIT).run();
              exec("COMMIT");
            } else {
              beforeCommit();
              exec("COMMIT");
            }
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            counts.undone(); // sqlite-jdbc's autocommit statement itself failed at its commit
            throw e;
          }
          return result;
        });
  }

  /**
   * An autocommit write while a RETURNING cursor (of any thread) still holds the last write's
   * commit: SQLite would refuse BEGIN (and a savepoint), and under plain sqlite-jdbc the write
   * joins that transaction and commits with it. So it does here, with a marker of its own: its own
   * transaction in the log, committed when the cursor lets the commit through. A failed statement
   * is undone by SQLite alone, as under autocommit. Schema changes wait for the cursor.
   */
  private <T> T joinPending(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    if (kind.changesTables()) {
      throw new SQLException(
          "chora: a RETURNING result of this connection is still open and holds its commit;"
              + " read it to the end or close its statement before changing tables");
    }
    return internal(
        () -> {
          try {
            T result = counted(kind, sql, action);
            rememberUserChanges(kind);
            return result;
          } finally {
            mark(); // what ran before a failed statement or batch entry stays, as in autocommit
          }
        });
  }

  /**
   * Commits an autocommit write whose result cursor held the transaction open, if it can. Under the
   * monitor.
   */
  void finishPendingCommit() {
    if (commitPending) {
      try {
        exec("COMMIT");
        commitPending = false;
        cursorOwners.clear();
      } catch (SQLException cursorStillOpen) {
        // the RETURNING cursor is still being read: the commit is tried again later
        return;
      }
      counts.pendingCommitted();
    }
  }

  /** Notes which statements' open cursors may hold a pending commit (see {@link #closing()}). */
  private void holdCommitFor(Statement statement) {
    if (commitPending && statement != null) {
      cursorOwners.add(statement);
    }
  }

  /** The connection is closing: end the cursor that holds a pending commit, then commit. */
  void closing() throws SQLException {
    conn.atomically(
        () -> {
          for (Statement owner : List.copyOf(cursorOwners)) {
            owner.close(); // closing the last one finishes the pending commit
          }
          finishPendingCommit();
          return null;
        });
  }

  boolean inSqlTransaction() {
    return sqlTransaction.isOpen();
  }

  /** What {@code changes()} reports: the user's last write, not chora's own statements. */
  long userChanges() throws SQLException {
    return counts.userChanges();
  }

  /** What {@code total_changes()} reports: the rows the user's statements changed. */
  long userTotal() {
    return counts.userTotal();
  }

  /**
   * After the user's statement: SQLite's {@code changes()} is that of its last INSERT, UPDATE or
   * DELETE, so other statements (table DDL) leave the count the application saw before.
   */
  private void rememberUserChanges(SqlKind kind) throws SQLException {
    if (kind == SqlKind.WRITE || kind == SqlKind.SCRIPT) {
      counts.rememberUserChanges();
    }
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

  /**
   * Right before the open transaction commits: a fill that failed after one of its table changes is
   * tried again (and fails the commit again), then its commit marker.
   */
  void beforeCommit() throws SQLException {
    fillKept();
    mark();
  }

  /**
   * After a table change, before the next statement that reads or writes rows: the fill, so that
   * the rest of a migration (a data migration's UPDATE, a seed row's INSERT OR IGNORE) sees what
   * was kept, and the migration's writes come after it. Not before other DDL: a UNIQUE index the
   * migration creates next is there when the fill merges, so its rule applies.
   */
  private void fillBefore(SqlKind kind) throws SQLException {
    if (fillPending && kind != SqlKind.TABLE_DDL && kind != SqlKind.OTHER_DDL) {
      fillKept();
    }
  }

  /**
   * Merges the changes kept aside that the new tables and columns can take ({@link SetAside}), in
   * the open transaction. Cleared only once filled: a transaction whose fill failed cannot commit
   * without it.
   */
  private void fillKept() throws SQLException {
    if (fillPending) {
      internal(
          () -> {
            conn.fillSetAside();
            return null;
          });
      fillPending = false;
    }
  }

  @Override
  public boolean counts(String sql) {
    return counting.increments(sql);
  }

  @Override
  public <T> T entry(String sql, SqlAction<T> action) throws SQLException {
    return counted(SqlKind.WRITE, sql, action);
  }

  /**
   * The application's write is about to run: its transaction takes SQLite's write lock now, as the
   * statement's own first step would, before chora reads anything in it (the log's size that its
   * counts are measured by, a fill, a table DDL's checks). A read first would open a snapshot, and
   * SQLite calls no busy handler to upgrade a transaction that already reads: the write would fail
   * at once with SQLITE_BUSY while another connection writes, instead of waiting its busy_timeout
   * as under sqlite-jdbc (or with SQLITE_BUSY_SNAPSHOT once that connection has committed). A lock
   * SQLite refuses (busy past the timeout, a read-only file) is left for the application's
   * statement to be refused with its own error. A script of reads only takes none.
   */
  private void lockForWrite(SqlKind kind, String sql) {
    if (!locksForWrite(kind, sql)) {
      return;
    }
    try {
      statement(CaptureSchema.TAKE_WRITE_LOCK).run();
    } catch (SQLException refused) {
      // the statement itself meets the same refusal
    }
  }

  private static boolean locksForWrite(SqlKind kind, String sql) {
    return kind != SqlKind.SCRIPT
        || SqlClassifier.SHARED.classifyScript(sql).stream().anyMatch(SqlKind::mayWrite);
  }

  /**
   * The wrapper transaction of an autocommit write, with the write lock as {@link #lockForWrite}
   * takes it, in one statement: {@code BEGIN IMMEDIATE} waits through the busy handler as the write
   * would. When SQLite refuses the lock (busy past the timeout, a read-only file), a deferred
   * {@code BEGIN} leaves the refusal to the application's statement, with its own error.
   */
  private void beginForWrite(SqlKind kind, String sql) throws SQLException {
    if (locksForWrite(kind, sql)) {
      try {
        exec("BEGIN IMMEDIATE");
        return;
      } catch (SQLException refused) {
        // the statement itself meets the same refusal
      }
    }
    exec("BEGIN");
  }

  /**
   * Runs the application's write {@code sql} (null: a batch) with its increments of counters
   * captured; a failed write leaves {@code changes()} as SQLite would.
   */
  private <T> T counted(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    SqlAction<T> run =
        kind == SqlKind.WRITE || kind == SqlKind.SCRIPT ? () -> failing(sql, action) : action;
    if (sql != null) {
      UndeclaredIncrements.check(
          sql,
          label,
          counting.declared(),
          table -> internal(() -> conn.tracks(table)),
          incrementsSeen);
    }
    if (!counting.any() || sql == null) {
      return counts.totalled(run, sql == null);
    }
    counting.starting(sql);
    try {
      return counts.totalled(run, false);
    } finally {
      counting.ended();
    }
  }

  private <T> T failing(String sql, SqlAction<T> action) throws SQLException {
    refusedAsPrepared = false;
    try {
      return action.run();
    } catch (SQLException e) {
      refusedAsPrepared = counts.failed(sql, e);
      throw e;
    }
  }

  /** The user's last write failed as SQLite prepared it: it began no transaction of its own. */
  private boolean refusedAsPrepared;

  /** Re-reads the schema and brings the capture triggers up to date. */
  void refreshTriggers() throws SQLException {
    Map<Long, TableInfo> tracked = internal(() -> TriggerSync.sync(conn, onlyTables, label));
    if (counting.any()) {
      internal(
          () -> {
            counting.install(conn, tracked);
            return null;
          });
    }
    GeneratedKeys.schemaChanged(label);
    fillPending = fillPending || internal(() -> SetAside.anyMissing(conn));
  }

  /** Runs chora's own work: nothing inside it is wrapped or refreshed again. */
  <T> T internal(SqlAction<T> action) throws SQLException {
    return conn.atomically(
        () -> {
          depth++;
          try {
            return action.run();
          } finally {
            depth--;
          }
        });
  }

  /**
   * ALTER TABLE ... DROP COLUMN fails while a trigger names the column: ours go first. A column
   * added under a renamed column's old name is refused (Renames).
   */
  private void beforeTableDdl(SqlKind kind, String sql) throws SQLException {
    renaming = null;
    adding = null;
    if (kind == SqlKind.TABLE_DDL) {
      counting.dropTriggers(conn); // refreshTriggers makes them again
      String table = SqlClassifier.SHARED.columnDroppedFrom(sql);
      if (table != null) {
        TriggerSync.dropColumnTriggers(conn, table);
      }
      SqlClassifier.ColumnAdd add = SqlClassifier.SHARED.columnAdded(sql);
      if (add != null) {
        Renames.refuseReuse(conn, add);
      }
      adding = add;
      SqlClassifier.ColumnRename rename = SqlClassifier.SHARED.columnRenamed(sql);
      renaming = rename == null ? null : Renames.spelled(conn, rename);
    }
  }

  /**
   * A column added: the rows hold only its default (LogConnection.columnAdded). A column renamed:
   * older replicas' writes under its old name belong in it (Renames).
   */
  private void afterTableDdl() throws SQLException {
    if (adding != null) {
      conn.columnAdded(adding.table(), adding.column());
      adding = null;
    }
    if (renaming != null) {
      Renames.record(conn, renaming);
      renaming = null;
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
      return conn.unheard(this::probeTransaction); // the application's listeners hear no probe
    } catch (SQLException notThrown) {
      return true;
    }
  }

  private boolean probeTransaction() {
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

  /**
   * An autocommit statement failed inside chora's wrapper: SQLite undid it, and what ran before it
   * (a batch's earlier entries) commits. A statement of its own is heard as the rollback
   * sqlite-jdbc's autocommit gives it; a batch's commit as the commit it is.
   */
  private void commitAfterFailure(String sql, Throwable cause) {
    try {
      if (sql == null) {
        mark();
        exec("COMMIT");
      } else {
        conn.heardAsRollback(
            () -> {
              mark();
              exec("COMMIT");
              return null;
            });
      }
    } catch (SQLException e) {
      rollbackQuietly(cause); // e.g. the error already ended the transaction (ROLLBACK conflict)
    }
  }

  /**
   * Rolls back a wrapper transaction the application never asked for: its listeners hear no
   * rollback, as under sqlite-jdbc the statement ended no transaction.
   */
  private void rollbackUnheard(Throwable cause) throws SQLException {
    conn.unheard(
        () -> {
          rollbackQuietly(cause);
          return null;
        });
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
