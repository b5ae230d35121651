package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.SteppedStatement;
import java.sql.SQLException;

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

  private long userChanges = -1;

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

  /** Runs the application's write {@code action} and adds the rows it changed to the total. */
  <T> T totalled(SqlAction<T> action) throws SQLException {
    if (totalling) {
      return action.run();
    }
    totalling = true;
    long total = conn.totalChanges();
    OwnRows before = ownRows();
    T result;
    try {
      result = action.run();
    } catch (SQLException | RuntimeException e) {
      try {
        addUserRows(total, before); // what ran before a failed batch entry stays
      } catch (SQLException unreadable) {
        e.addSuppressed(unreadable);
      }
      throw e;
    } finally {
      totalling = false;
    }
    addUserRows(total, before);
    return result;
  }

  private void addUserRows(long total, OwnRows before) throws SQLException {
    userTotal += conn.totalChanges() - total - before.grownTo(ownRows());
  }

  /** An autocommit write's RETURNING cursor holds its commit: its rows are counted at the end. */
  void commitPutOff() throws SQLException {
    pendingTotal = new PendingTotal(conn.totalChanges(), ownRows(), userTotal);
  }

  /** The commit {@link #commitPutOff} waited for went through. */
  void pendingCommitted() {
    PendingTotal p = pendingTotal;
    pendingTotal = null;
    try {
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
