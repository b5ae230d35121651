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
      super.setLong(keyParameter, keys.nextKey());
    }
  }

  @Override
  public boolean execute() throws SQLException {
    return funnel.run(
        kind,
        text,
        () -> {
          bindKey();
          return super.execute();
        },
        this);
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

  @Override
  public long executeLargeUpdate() throws SQLException {
    return funnel.run(
        kind,
        text,
        () -> {
          bindKey();
          return super.executeLargeUpdate();
        },
        this);
  }

  /** Each batch row takes its key when it is added: the batch then runs as sqlite-jdbc runs it. */
  @Override
  public void addBatch() throws SQLException {
    bindKey();
    super.addBatch();
  }

  /** The application's parameters: the key parameter chora binds is not one of them. */
  @Override
  public int getParameterCount() throws SQLException {
    return super.getParameterCount() - (keyParameter > 0 ? 1 : 0);
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return funnel.run(kind, text, super::executeLargeBatch, this);
  }

  @Override
  public void close() throws SQLException {
    super.close();
    funnel.statementClosed();
  }
}
