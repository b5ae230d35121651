package io.chora.jdbc.seam;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteUpdateListener;

/**
 * The update and commit listeners the application registers through sqlite-jdbc's API, each behind
 * a filter that sqlite-jdbc's dispatch calls instead: update events of the engine's own tables are
 * dropped, and the commits and rollbacks chora runs of its own accord ({@link #unheard}, {@link
 * #heardAsRollback}) are not what the listeners hear. Events reach a listener on the thread that
 * runs the statement, under the connection's {@code DB} monitor, which chora's work around a
 * statement also holds ({@link SqliteConnection#atomically}): the mode fields need no other guard.
 */
final class AppHooks {
  private enum Mode {
    HEARD,
    UNHEARD,
    COMMIT_AS_ROLLBACK
  }

  private final Predicate<String> ownTable;
  private final Map<SQLiteUpdateListener, SQLiteUpdateListener> updates = new IdentityHashMap<>();
  private final Map<SQLiteCommitListener, SQLiteCommitListener> commits = new IdentityHashMap<>();
  private Mode mode = Mode.HEARD;

  AppHooks(Predicate<String> ownTable) {
    this.ownTable = ownTable;
  }

  /** The filter to register for {@code listener}, or null if it is registered already. */
  synchronized SQLiteUpdateListener added(SQLiteUpdateListener listener) {
    if (updates.containsKey(listener)) {
      return null;
    }
    SQLiteUpdateListener filter =
        (type, database, table, rowId) -> {
          if (mode != Mode.UNHEARD && !ownTable.test(table)) {
            listener.onUpdate(type, database, table, rowId);
          }
        };
    updates.put(listener, filter);
    return filter;
  }

  /** The filter registered for {@code listener}, forgotten; null if there is none. */
  synchronized SQLiteUpdateListener removed(SQLiteUpdateListener listener) {
    return updates.remove(listener);
  }

  /** The filter to register for {@code listener}, or null if it is registered already. */
  synchronized SQLiteCommitListener added(SQLiteCommitListener listener) {
    if (commits.containsKey(listener)) {
      return null;
    }
    SQLiteCommitListener filter =
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            switch (mode) {
              case HEARD -> listener.onCommit();
              case COMMIT_AS_ROLLBACK -> listener.onRollback();
              case UNHEARD -> {}
            }
          }

          @Override
          public void onRollback() {
            if (mode != Mode.UNHEARD) {
              listener.onRollback();
            }
          }
        };
    commits.put(listener, filter);
    return filter;
  }

  /** The filter registered for {@code listener}, forgotten; null if there is none. */
  synchronized SQLiteCommitListener removed(SQLiteCommitListener listener) {
    return commits.remove(listener);
  }

  /** Runs {@code action} (holding the DB monitor) with the events it causes in {@code mode}. */
  private <T> T in(Mode mode, SqlAction<T> action) throws SQLException {
    Mode before = this.mode;
    this.mode = mode;
    try {
      return action.run();
    } finally {
      this.mode = before;
    }
  }

  <T> T unheard(SqlAction<T> action) throws SQLException {
    return in(Mode.UNHEARD, action);
  }

  <T> T heardAsRollback(SqlAction<T> action) throws SQLException {
    return in(Mode.COMMIT_AS_ROLLBACK, action);
  }
}
