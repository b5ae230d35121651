package io.chora.jdbc.seam;

import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * sqlite-jdbc's prepared statement, classified once when prepared and run through the connection's
 * {@link StatementFunnel}, in both modes. Only the methods the other execute variants funnel into
 * are overridden.
 */
final class FunnelPreparedStatement extends JDBC4PreparedStatement {
  private final StatementFunnel funnel;
  private final SqlKind kind;
  private final String text;
  private final int keyParameter;
  private final PreparedText.KeySource keys;

  /** {@code sql}: one statement (sqlite-jdbc prepares the first of several; so does chora). */
  FunnelPreparedStatement(SqliteConnection conn, String sql, StatementFunnel funnel)
      throws SQLException {
    this(conn, sql, funnel, funnel.prepare(sql));
  }

  private FunnelPreparedStatement(
      SqliteConnection conn, String sql, StatementFunnel funnel, PreparedText prepared)
      throws SQLException {
    super(conn, prepared.sql());
    this.funnel = funnel;
    this.kind = SqlClassifier.SHARED.classify(sql);
    this.text = sql;
    this.keyParameter = prepared.keyParameter();
    this.keys = prepared.keys();
  }

  /** Binds the generated key of the row about to run, if the engine gives it from Java. */
  private void bindKey() throws SQLException {
    if (keyParameter > 0) {
      bindingKey = true;
      try {
        super.setLong(keyParameter, keys.nextKey());
      } finally {
        bindingKey = false;
      }
    }
  }

  private boolean bindingKey;

  /**
   * Every setter ends here. The key parameter is not the application's: binding it by number fails
   * as it would under sqlite-jdbc, where the statement has one parameter fewer.
   */
  @Override
  protected void batch(int pos, Object value) throws SQLException {
    if (keyParameter > 0 && (pos < 1 || pos >= keyParameter) && !bindingKey && batchPos == 0) {
      throw new ArrayIndexOutOfBoundsException(
          "Index " + (pos - 1) + " out of bounds for length " + (keyParameter - 1));
    }
    super.batch(pos, value);
  }

  @Override
  public boolean execute() throws SQLException {
    boolean result =
        funnel.run(
            kind,
            text,
            () -> {
              bindKey();
              return super.execute();
            },
            this);
    if (kind != SqlKind.WRITE) { // a write's count is SQLite's, taken right after it ran
      updateCount = funnel.changes(updateCount);
    }
    return result;
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return funnel.run(
        kind,
        text,
        () -> {
          bindKey();
          return super.executeQuery();
        },
        this);
  }

  /**
   * sqlite-jdbc's count is SQLite's {@code changes()} after the statement: after DDL or PRAGMA the
   * last write's, the application's rather than chora's.
   */
  @Override
  public long executeLargeUpdate() throws SQLException {
    long count =
        funnel.run(
            kind,
            text,
            () -> {
              bindKey();
              return super.executeLargeUpdate();
            },
            this);
    return kind == SqlKind.WRITE ? count : funnel.changes(count);
  }

  /** The application's parameters: the key parameter chora binds is not one of them. */
  @Override
  public int getParameterCount() throws SQLException {
    return super.getParameterCount() - (keyParameter > 0 ? 1 : 0);
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    if (batchQueryCount == 0) {
      // runs nothing under sqlite-jdbc: no transaction, and changes() stays the last write's
      return super.executeLargeBatch();
    }
    return funnel.run(
        kind,
        text,
        () -> {
          bindBatchKeys();
          return super.executeLargeBatch();
        },
        this);
  }

  /**
   * Each batch row takes its key when the batch runs, inside the funnel's transaction, not when it
   * is added: a key may claim a new block of keys (a write to chora's own table), and at {@code
   * addBatch} in autocommit mode that write would commit on its own, a commit the application never
   * made (a commit listener heard it). Rows are laid out {@code paramCount} values apart in
   * sqlite-jdbc's {@code batch} array, in the order they were added.
   */
  private void bindBatchKeys() throws SQLException {
    if (keyParameter > 0) {
      for (int row = 0; row < batchQueryCount; row++) {
        batch[row * paramCount + keyParameter - 1] = keys.nextKey();
      }
    }
  }

  @Override
  public void close() throws SQLException {
    super.close();
    funnel.statementClosed();
  }
}
