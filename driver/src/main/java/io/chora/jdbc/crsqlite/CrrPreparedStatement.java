package io.chora.jdbc.crsqlite;

import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * sqlite-jdbc's prepared statement, classified once when prepared: reads and writes run untouched,
 * schema changes through {@link CrrDdl}.
 */
final class CrrPreparedStatement extends JDBC4PreparedStatement {
  private final NativeConnection conn;
  private final SqlKind kind;
  private final String text;

  CrrPreparedStatement(NativeConnection conn, String sql) throws SQLException {
    super(conn, sql);
    this.conn = conn;
    this.kind = CrrDdl.CLASSIFIER.classify(sql);
    this.text = sql;
  }

  @Override
  public boolean execute() throws SQLException {
    return CrrDdl.run(conn, kind, text, super::execute);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return CrrDdl.run(conn, kind, text, super::executeQuery);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return CrrDdl.run(conn, kind, text, super::executeLargeUpdate);
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return CrrDdl.run(conn, kind, text, super::executeLargeBatch);
  }
}
