package io.chora.jdbc.crsqlite;

import java.sql.BatchUpdateException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.jdbc4.JDBC4Statement;

/**
 * sqlite-jdbc's statement, with schema changes run through {@link CrrDdl}. Writes need nothing:
 * cr-sqlite's triggers record them. Only the methods the other execute variants funnel into are
 * overridden.
 */
final class CrrStatement extends JDBC4Statement {
  private final NativeConnection conn;

  CrrStatement(NativeConnection conn) {
    super(conn);
    this.conn = conn;
  }

  private <T> T run(String sql, SqlCall<T> action) throws SQLException {
    return sql == null
        ? action.run()
        : CrrDdl.run(conn, CrrDdl.CLASSIFIER.classify(sql), sql, action);
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql, () -> super.execute(sql));
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    return run(sql, () -> super.executeQuery(sql));
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    return run(sql, () -> super.executeLargeUpdate(sql));
  }

  /** A batch with a schema change runs statement by statement, so each gets its follow-up. */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    if (batch == null || batchPos == 0) {
      return super.executeLargeBatch();
    }
    List<String> sqls = new ArrayList<>();
    boolean changesTables = false;
    for (int i = 0; i < batchPos; i++) {
      sqls.add((String) batch[i]);
      changesTables |= CrrDdl.CLASSIFIER.classify((String) batch[i]).changesTables();
    }
    if (!changesTables) {
      return super.executeLargeBatch();
    }
    clearBatch();
    long[] counts = new long[sqls.size()];
    for (int i = 0; i < counts.length; i++) {
      try {
        counts[i] = executeLargeUpdate(sqls.get(i));
      } catch (SQLException e) {
        throw new BatchUpdateException(
            "batch entry " + i + ": " + e.getMessage(),
            e.getSQLState(),
            e.getErrorCode(),
            Arrays.copyOf(counts, i),
            e);
      }
    }
    return counts;
  }
}
