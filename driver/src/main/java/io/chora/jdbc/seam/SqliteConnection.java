package io.chora.jdbc.seam;

import io.chora.jdbc.sql.SqlClassifier;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteUpdateListener;
import org.sqlite.jdbc4.JDBC4Connection;
import org.sqlite.jdbc4.JDBC4PreparedStatement;
import org.sqlite.jdbc4.JDBC4Statement;

/**
 * The one class both engines' connections extend: a real sqlite-jdbc connection (so {@code
 * org.sqlite.Function.create} and sqlite-jdbc's other static APIs, which check {@code instanceof
 * SQLiteConnection}, keep working) whose statements run through the engine's {@link
 * StatementFunnel}. It is also where the engines reach what sqlite-jdbc keeps protected; nothing
 * else in chora does, so an upgrade of sqlite-jdbc is checked here (and in {@link FunnelStatement},
 * {@link SteppedStatement}).
 */
public abstract class SqliteConnection extends JDBC4Connection {
  protected SqliteConnection(String url, String fileName, Properties properties)
      throws SQLException {
    super(url, fileName, properties);
  }

  private AppMetaData appMetaData;

  private final AppHooks hooks = new AppHooks(this::isOwnObject);

  /**
   * Whether {@code name} is one of the engine's own tables or views, which the application's
   * metadata leaves out ({@link AppMetaData}).
   */
  protected abstract boolean isOwnObject(String name);

  /** The application's schema without the engine's own tables ({@link AppMetaData}). */
  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    if (appMetaData == null) {
      appMetaData = new AppMetaData(this);
    }
    return appMetaData;
  }

  /** Hears the application's tables only: the engine's own are left out ({@link AppHooks}). */
  @Override
  public final void addUpdateListener(SQLiteUpdateListener listener) {
    SQLiteUpdateListener filter = hooks.added(listener);
    if (filter != null) {
      super.addUpdateListener(filter);
    }
  }

  @Override
  public final void removeUpdateListener(SQLiteUpdateListener listener) {
    SQLiteUpdateListener filter = hooks.removed(listener);
    if (filter != null) {
      super.removeUpdateListener(filter);
    }
  }

  /**
   * Hears the application's transactions: the commits and rollbacks chora runs of its own accord
   * are not heard as such ({@link #unheard}, {@link #heardAsRollback}).
   */
  @Override
  public void addCommitListener(SQLiteCommitListener listener) {
    SQLiteCommitListener filter = hooks.added(listener);
    if (filter != null) {
      super.addCommitListener(filter);
    }
  }

  @Override
  public void removeCommitListener(SQLiteCommitListener listener) {
    SQLiteCommitListener filter = hooks.removed(listener);
    if (filter != null) {
      super.removeCommitListener(filter);
    }
  }

  /** A commit listener of the engine's own: it hears every commit and rollback unfiltered. */
  protected final void addOwnCommitListener(SQLiteCommitListener listener) {
    super.addCommitListener(listener);
  }

  /**
   * Runs {@code action}, chora's own statements, with no event of it reaching the application's
   * listeners: a probe's {@code BEGIN}/{@code ROLLBACK}, say.
   */
  public final <T> T unheard(SqlAction<T> action) throws SQLException {
    return atomically(() -> hooks.unheard(action));
  }

  /**
   * Runs {@code action}, which commits what sqlite-jdbc would have rolled back (an autocommit
   * statement failed inside chora's wrapper transaction), with its commit heard as a rollback.
   */
  public final <T> T heardAsRollback(SqlAction<T> action) throws SQLException {
    return atomically(() -> hooks.heardAsRollback(action));
  }

  /**
   * The engine's handling of statements. sqlite-jdbc's constructor already runs statements (its
   * configuration pragmas), before a subclass has its fields: then null, and they pass through.
   */
  protected abstract StatementFunnel funnel();

  private StatementFunnel currentFunnel() {
    StatementFunnel funnel = funnel();
    return funnel == null ? StatementFunnel.NONE : funnel;
  }

  @Override
  public final Statement createStatement(int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    return new FunnelStatement(this, currentFunnel());
  }

  @Override
  public final PreparedStatement prepareStatement(
      String sql, int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    // sqlite-jdbc prepares the first statement of a multi-statement string and ignores the rest
    return new FunnelPreparedStatement(this, SqlClassifier.firstStatement(sql), currentFunnel());
  }

  /**
   * Makes the connection reach the application as fresh as a sqlite-jdbc one after chora's own
   * statements at open: with {@code jdbc.explicit_readonly}, {@code setReadOnly()} is refused once
   * a statement has run.
   */
  protected final void markUnused() {
    setFirstStatementExecuted(false);
  }

  /**
   * SQLite's {@code changes()}: rows the last INSERT, UPDATE or DELETE of this connection changed.
   */
  public final long lastStatementChanges() throws SQLException {
    return getDatabase().changes();
  }

  /**
   * Replaces SQLite's SQL function {@code name} ({@code changes}, {@code total_changes}) on this
   * connection by {@code count}: what sqlite-jdbc would report, where SQLite's own count includes
   * the engine's rows.
   */
  protected final void replaceCount(String name, SqlAction<Long> count) throws SQLException {
    org.sqlite.Function.create(
        this,
        name,
        new org.sqlite.Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(count.run());
          }
        },
        0,
        0);
  }

  /** Whether SQLite prepares {@code sql} (nothing of it runs). For failure paths only. */
  public final boolean prepares(String sql) {
    try (PreparedStatement ps = new JDBC4PreparedStatement(this, sql)) {
      return true;
    } catch (SQLException refused) {
      return false;
    }
  }

  /** SQLite's {@code total_changes()}: rows changed since the connection opened, chora's too. */
  public final long totalChanges() throws SQLException {
    return getDatabase().total_changes();
  }

  /**
   * Runs {@code action} holding the monitors sqlite-jdbc's own calls of this connection synchronize
   * on: the statements chora runs around an application's call then form one step that no other
   * thread's statement, commit or result-set step on this connection can enter. They are taken in
   * sqlite-jdbc's order (its prepared {@code execute}/{@code executeUpdate} hold the connection,
   * then its {@code DB}; every other call the {@code DB} alone), so no thread can hold one of them
   * while waiting for the other. Both are reentrant.
   */
  public final <T> T atomically(SqlAction<T> action) throws SQLException {
    synchronized (this) {
      synchronized (getDatabase()) {
        return action.run();
      }
    }
  }

  /** Whether the calling thread is inside {@link #atomically} (or a sqlite-jdbc call). */
  public final boolean isHeldByCurrentThread() {
    return Thread.holdsLock(getDatabase());
  }

  /** Throws sqlite-jdbc's own error for a closed connection. */
  protected final void checkNotClosed() throws SQLException {
    checkOpen();
  }

  /** A statement of sqlite-jdbc's own, not funnelled: for chora's SQL. */
  public final Statement plainStatement() {
    return new JDBC4Statement(this);
  }

  /** A prepared statement of sqlite-jdbc's own, not funnelled: for chora's SQL. */
  public final PreparedStatement plainPrepare(String sql) throws SQLException {
    return new JDBC4PreparedStatement(this, sql);
  }
}
