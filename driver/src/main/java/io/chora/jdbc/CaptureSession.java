package io.chora.jdbc;

import io.chora.jdbc.capture.CaptureSchema;
import io.chora.jdbc.capture.TriggerSync;
import io.chora.jdbc.sql.SqlKind;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * One connection's transaction bookkeeping for capture. The triggers log rows inside the user's
 * transaction; this class makes sure every committed transaction ends with a commit marker:
 *
 * <ul>
 *   <li>JDBC transactions (autoCommit off): the marker goes in right before {@code commit()}.
 *   <li>autocommit writes: the statement runs inside BEGIN ... marker ... COMMIT, so the marker
 *       commits atomically with it (SQLite would otherwise commit before we get control back).
 *   <li>BEGIN / COMMIT / SAVEPOINT / RELEASE sent as SQL are followed, so the marker lands in the
 *       transaction they commit.
 * </ul>
 *
 * Table DDL refreshes the triggers in the same transaction. Work that chora itself does runs with
 * {@code depth > 0} and is passed straight through.
 */
final class CaptureSession {
  private final ChoraJdbcConnection conn;
  private final String site;
  private final Set<String> onlyTables;
  private final String label;
  private final java.util.Map<String, NativeStatement> control = new java.util.HashMap<>(4);
  private NativeStatement marker;
  private NativeStatement logSize;
  private int depth;
  private boolean sqlTransaction;
  private boolean commitPending;
  private long userChanges = -1;
  private java.sql.Statement cursorOwner;
  private final Deque<String> sqlSavepoints = new ArrayDeque<>();

  CaptureSession(ChoraJdbcConnection conn, String site, Set<String> onlyTables, String label) {
    this.conn = conn;
    this.site = site;
    this.onlyTables = onlyTables;
    this.label = label;
  }

  /** Runs {@code action}, a statement of {@code kind} named by {@code sql}, under capture rules. */
  <T> T run(SqlKind kind, String sql, SqlAction<T> action) throws SQLException {
    if (depth > 0) {
      return action.run();
    }
    finishPendingCommit();
    switch (kind) {
      case READ, OTHER, OTHER_DDL, ROLLBACK_TO:
        return action.run();
      case BEGIN:
        return begin(action);
      case SAVEPOINT:
        return savepoint(sql, action);
      case RELEASE:
        return release(sql, action);
      case COMMIT:
        mark();
        return endSqlTransaction(action);
      case ROLLBACK:
        return endSqlTransaction(action);
      case SCRIPT:
        refuseTransactionControl(ChoraJdbcConnection.CLASSIFIER.classifyScript(sql));
        return write(kind, action);
      default:
        return write(kind, action);
    }
  }

  private <T> T write(SqlKind kind, SqlAction<T> action) throws SQLException {
    if (!conn.getAutoCommit() || sqlTransaction) {
      return internal(
          () -> {
            T result = action.run();
            rememberUserChanges();
            if (kind.changesTables()) {
              refreshTriggers();
            }
            return result;
          });
    }
    return internal(
        () -> {
          exec("BEGIN");
          T result;
          try {
            result = action.run();
            rememberUserChanges();
          } catch (SQLException | RuntimeException | Error e) {
            // SQLite already undid the failed statement (or batch entry); what ran before it in
            // this wrapper stays, exactly as under plain autocommit
            commitAfterFailure(e);
            throw e;
          }
          try {
            if (kind.changesTables()) {
              refreshTriggers();
            }
            if (result instanceof java.sql.ResultSet) {
              // INSERT ... RETURNING read through executeQuery: SQLite refuses COMMIT while its
              // cursor is open, so the commit waits for the statement to close (or the next one)
              mark();
              commitPending = true;
              finishPendingCommit();
            } else {
              commitWithMarker();
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
  void holdCommitFor(java.sql.Statement statement) {
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
  long logSize() throws SQLException {
    if (logSize == null) {
      logSize = new NativeStatement(conn, "SELECT max(id) FROM chora_log");
    }
    return logSize.queryLong();
  }

  boolean isInternal() {
    return depth > 0;
  }

  boolean inSqlTransaction() {
    return sqlTransaction;
  }

  /** What {@code changes()} reports: the user's last write, not chora's own statements. */
  long userChanges() throws SQLException {
    return userChanges >= 0 ? userChanges : conn.getDatabase().changes();
  }

  private void rememberUserChanges() throws SQLException {
    userChanges = conn.getDatabase().changes();
  }

  /** Writes the commit marker for the current transaction, if it logged anything. */
  void mark() throws SQLException {
    if (marker == null) {
      marker = new NativeStatement(conn, CaptureSchema.markCommit(site));
    }
    marker.run();
  }

  /** Re-reads the schema and brings the capture triggers up to date. */
  void refreshTriggers() throws SQLException {
    internal(() -> TriggerSync.sync(conn, onlyTables, label));
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

  private <T> T begin(SqlAction<T> action) throws SQLException {
    T result = action.run();
    if (conn.getAutoCommit()) {
      sqlTransaction = true;
    }
    return result;
  }

  private <T> T savepoint(String sql, SqlAction<T> action) throws SQLException {
    T result = action.run();
    if (conn.getAutoCommit() && (!sqlTransaction || !sqlSavepoints.isEmpty())) {
      sqlTransaction = true; // a SAVEPOINT outside a transaction starts one
      sqlSavepoints.push(savepointName(sql, "SAVEPOINT"));
    }
    return result;
  }

  private <T> T release(String sql, SqlAction<T> action) throws SQLException {
    if (sqlSavepoints.isEmpty()) {
      return action.run();
    }
    String name = savepointName(sql, "RELEASE");
    boolean outermost = name.equalsIgnoreCase(sqlSavepoints.peekLast());
    if (outermost) {
      mark(); // releasing the outermost savepoint commits the transaction
    }
    T result = action.run();
    while (!sqlSavepoints.isEmpty() && !name.equalsIgnoreCase(sqlSavepoints.pop())) {}
    if (outermost) {
      sqlTransaction = false;
    }
    return result;
  }

  private <T> T endSqlTransaction(SqlAction<T> action) throws SQLException {
    T result = action.run();
    sqlTransaction = false;
    sqlSavepoints.clear();
    return result;
  }

  private static String savepointName(String sql, String keyword) {
    String[] words = sql.strip().split("[\\s;]+");
    int i = 1;
    if (keyword.equals("RELEASE") && words.length > 2 && words[1].equalsIgnoreCase("SAVEPOINT")) {
      i = 2;
    }
    return words.length > i ? words[i].replaceAll("^[\"`\\[']|[\"`\\]']$", "") : "";
  }

  /** Refuses scripts that mix transaction control with other statements: not followable. */
  static void refuseTransactionControl(java.util.List<SqlKind> kinds) throws SQLException {
    for (SqlKind k : kinds) {
      switch (k) {
        case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO ->
            throw new SQLFeatureNotSupportedException(
                "chora: transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE) inside a"
                    + " multi-statement string is not supported; send it as its own statement");
        default -> {}
      }
    }
  }

  private void commitWithMarker() throws SQLException {
    mark();
    exec("COMMIT");
  }

  private void commitAfterFailure(Throwable cause) {
    try {
      commitWithMarker();
    } catch (SQLException e) {
      rollbackQuietly(cause); // e.g. the error already ended the transaction (ROLLBACK conflict)
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      exec("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** BEGIN, COMMIT and ROLLBACK, each prepared once per connection and stepped natively. */
  private void exec(String sql) throws SQLException {
    NativeStatement statement = control.get(sql);
    if (statement == null) {
      statement = new NativeStatement(conn, sql);
      control.put(sql, statement);
    }
    statement.run();
  }
}
