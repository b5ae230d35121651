package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.SteppedStatement;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/**
 * The counts sqlite-jdbc gives the application, kept by one connection's {@link CaptureSession}
 * (and guarded by the same monitor): an update's rows, {@code changes()} and {@code
 * total_changes()}. SQLite's own counts include chora's rows on the user's statements: the rows
 * capture triggers append to the log, the increments logged to chora_adds (with counters declared)
 * and the key blocks chora claims. Those are taken back out; chora's statements of its own (commit
 * markers, trigger refreshes, fills, applies) are never counted.
 */
final class UserCounts {
  private final LogConnection conn;
  private final GeneratedKeys keys;
  private final CounterCapture counting;
  private final SteppedStatement logSize;
  private SteppedStatement addsSize;

  /** A fresh connection's {@code changes()} is 0, whatever chora ran at open. */
  private long userChanges;

  /** What {@code total_changes()} reports: the user's rows since the connection opened. */
  private long userTotal;

  /** True while {@link #totalled} measures a statement (a batch: its entries are inside it). */
  private boolean totalling;

  /**
   * SQLite counts a RETURNING statement's rows when its cursor is done, after {@link #totalled}:
   * the counts when its commit was put off, and the user's total then. Statements that join the
   * transaction until it commits count their rows again in the growth since then.
   */
  private record PendingTotal(long total, OwnRows own, long userTotal) {}

  private PendingTotal pendingTotal;

  UserCounts(LogConnection conn, GeneratedKeys keys, CounterCapture counting) throws SQLException {
    this.conn = conn;
    this.keys = keys;
    this.counting = counting;
    this.logSize = new SteppedStatement(conn, "SELECT max(id) FROM chora_log");
  }

  /** How far chora's own rows on the user's statements have grown. */
  private record OwnRows(long log, long claims, long adds) {
    long grownTo(OwnRows after) {
      return Math.max(0, after.log - log)
          + (after.claims - claims)
          + Math.max(0, after.adds - adds);
    }
  }

  private OwnRows ownRows() throws SQLException {
    long adds = 0;
    if (counting.any()) {
      if (addsSize == null) {
        addsSize =
            new SteppedStatement(conn, "SELECT coalesce(max(id), 0) FROM " + CounterCapture.ADDS);
      }
      adds = addsSize.queryLong();
    }
    return new OwnRows(logSize.queryLong(), keys.ownRows(), adds);
  }

  /** Runs {@code update} and returns the rows it changed as sqlite-jdbc would count them. */
  long userRows(SqlAction<Long> update) throws SQLException {
    OwnRows before = ownRows();
    long count = update.run();
    return count - before.grownTo(ownRows());
  }

  /**
   * Runs the application's write {@code action} (a single statement unless {@code batch}) and adds
   * the rows it changed to the total.
   */
  <T> T totalled(SqlAction<T> action, boolean batch) throws SQLException {
    if (totalling) {
      return action.run();
    }
    totalling = true;
    long total = conn.totalChanges();
    OwnRows before = ownRows();
    lastAdded = 0;
    lastLogged = false;
    T result;
    try {
      result = action.run();
    } catch (SQLException | RuntimeException e) {
      try {
        OwnRows after = ownRows();
        // what ran before a failed batch entry stays, and so do the rows a statement that failed
        // with FAIL semantics changed (its log rows stayed too); SQLite counts none of a statement
        // it undid, while its total still holds the log rows capture wrote before the failure
        if (batch || before.grownTo(after) > 0 || e instanceof SQLException q && ran(q)) {
          addUserRows(total, before, after);
        }
      } catch (SQLException unreadable) {
        e.addSuppressed(unreadable);
      }
      throw e;
    } finally {
      totalling = false;
    }
    addUserRows(total, before, ownRows());
    return result;
  }

  private void addUserRows(long total, OwnRows before, OwnRows after) throws SQLException {
    lastAdded = conn.totalChanges() - total - before.grownTo(after);
    userTotal += lastAdded;
    lastLogged = after.log > before.log;
  }

  /**
   * Whether the last statement {@link #totalled} measured appended rows to the log (it then holds
   * the write lock, and its transaction needs a commit marker): read from the measure it took
   * anyway, so a commit after it needs no look at the log's tail.
   */
  boolean lastLogged() {
    return lastLogged;
  }

  private boolean lastLogged;

  /** sqlite-jdbc's "query does not return ResultSet": the statement ran to its end. */
  private static boolean ran(SQLException e) {
    return e.getErrorCode() == SQLITE_DONE;
  }

  private static final int SQLITE_DONE = 101;

  /** The rows the last measured statement added to the total. */
  private long lastAdded;

  /**
   * The user's statement succeeded but the transaction chora wrapped it in failed to commit (a
   * deferred foreign key): under sqlite-jdbc the statement itself failed, and counted nothing.
   */
  void undone() {
    userTotal -= lastAdded;
    lastAdded = 0;
    userChanges = 0;
  }

  /**
   * The user's statement {@code sql} failed; nothing of chora's has run since. SQLite sets {@code
   * changes()} to what it kept of the statement's rows (none, unless it failed with FAIL
   * semantics), except for a statement it refused as it was prepared, which leaves the count of the
   * write before: such errors are SQLITE_ERROR, and only the text, prepared again, tells them apart
   * from a function's error while it ran. So does one sqlite-jdbc refused before running it (a
   * plain SQLException without SQLite's code). A failure path only.
   */
  boolean failed(String sql, SQLException e) throws SQLException {
    if (sql != null && !(e instanceof SQLiteException) && e.getErrorCode() == 0) {
      // sqlite-jdbc refused the statement before SQLite ran it (executeQuery of an INSERT); not
      // a batch, whose error carries code 0 too after its earlier entries ran
      return true;
    }
    if (sql != null && (e.getErrorCode() & 0xff) == SQLITE_ERROR && !conn.prepares(sql)) {
      return true;
    }
    userChanges = conn.lastStatementChanges();
    return false;
  }

  private static final int SQLITE_ERROR = 1;

  /** An autocommit write's RETURNING cursor holds its commit: its rows are counted at the end. */
  void commitPutOff() throws SQLException {
    pendingTotal = new PendingTotal(conn.totalChanges(), ownRows(), userTotal);
  }

  /** The commit {@link #commitPutOff} waited for went through. */
  void pendingCommitted() {
    PendingTotal p = pendingTotal;
    pendingTotal = null;
    try {
      // SQLite counts the RETURNING statement's rows when its cursor is done, before this commit
      userChanges = conn.lastStatementChanges();
      userTotal = p.userTotal + conn.totalChanges() - p.total - p.own.grownTo(ownRows());
    } catch (SQLException unreadable) {
      // the statement's rows stay uncounted in total_changes()
    }
  }

  /** What {@code total_changes()} reports: the rows the user's statements changed. */
  long userTotal() {
    return userTotal;
  }

  /** What {@code changes()} reports: the user's last write, not chora's own statements. */
  long userChanges() throws SQLException {
    return userChanges >= 0 ? userChanges : conn.lastStatementChanges();
  }

  /** The user's write just ran: {@code changes()} reports it until the next one. */
  void rememberUserChanges() throws SQLException {
    userChanges = conn.lastStatementChanges();
  }
}
