package io.chora.jdbc.seam;

import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import java.sql.BatchUpdateException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.jdbc4.JDBC4Statement;

/**
 * sqlite-jdbc's statement with its SQL classified and run through the connection's {@link
 * StatementFunnel}, in both modes. Only the methods every other execute variant funnels into are
 * overridden.
 */
final class FunnelStatement extends JDBC4Statement {
  private final StatementFunnel funnel;

  FunnelStatement(SqliteConnection conn, StatementFunnel funnel) {
    super(conn);
    this.funnel = funnel;
  }

  private <T> T run(String sql, SqlAction<T> action) throws SQLException {
    if (sql == null || funnel.isPassThrough()) {
      return action.run();
    }
    return funnel.run(SqlClassifier.SHARED.classify(sql), sql, action, this);
  }

  /**
   * sqlite-jdbc's update count is SQLite's {@code changes()} after the statement: right for a
   * write, where nothing of chora's runs between; after other statements (DDL, transaction control,
   * PRAGMA) it is the last write's, the application's rather than chora's.
   */
  private void countAsSqliteJdbc(String sql) throws SQLException {
    if (sql != null
        && !funnel.isPassThrough()
        && SqlClassifier.SHARED.classify(sql) != SqlKind.WRITE) {
      updateCount = funnel.changes(updateCount);
    }
  }

  /**
   * sqlite-jdbc ends this statement's previous run when the next one starts; that happens here
   * before the rewrite, which may read the schema, and SQLite refuses those reads while, say, a
   * {@code PRAGMA journal_mode=WAL} run by this statement is still open.
   */
  private String rewrite(String sql) throws SQLException {
    internalClose();
    return funnel.rewrite(sql);
  }

  /**
   * sqlite-jdbc prepares and runs the first statement of a multi-statement string (SQLite ignores
   * the rest); so does chora, which classifies and rewrites that statement alone.
   */
  @Override
  public boolean execute(String sql) throws SQLException {
    String first = SqlClassifier.firstStatement(sql);
    String text = rewrite(first);
    boolean result = run(first, () -> super.execute(text));
    countAsSqliteJdbc(first);
    return result;
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    String first = SqlClassifier.firstStatement(sql);
    String text = rewrite(first);
    return run(first, () -> super.executeQuery(text));
  }

  /**
   * A multi-statement string runs statement by statement, each through the funnel as if sent on its
   * own (so that transaction control, table DDL and writes in it are followed exactly), as SQLite's
   * {@code sqlite3_exec} under sqlite-jdbc runs it: each in autocommit unless the string opens a
   * transaction, stopping at the first failure; the count is the rows all of them changed.
   */
  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    if (sql != null && !funnel.isPassThrough() && sql.indexOf(';') >= 0) {
      List<String> statements = SqlClassifier.statements(sql);
      if (statements.size() > 1) {
        long rows = 0;
        for (String statement : statements) {
          rows += executeLargeUpdate(statement);
        }
        return rows;
      }
    }
    String text = rewrite(sql);
    return run(sql, () -> funnel.userRows(() -> super.executeLargeUpdate(text)));
  }

  /**
   * A batch of SQL strings runs as sqlite-jdbc runs it (which in autocommit mode commits each
   * entry; java mode's {@link StatementFunnel#batch} makes the batch one transaction), except that
   * a batch with table DDL runs statement by statement, so that the engine follows each schema
   * change before the next statement.
   */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    if (funnel.isPassThrough() || batch == null || batchPos == 0) {
      return super.executeLargeBatch();
    }
    List<String> sqls = new ArrayList<>(batchPos);
    List<SqlKind> kinds = new ArrayList<>(batchPos);
    for (int i = 0; i < batchPos; i++) {
      // sqlite-jdbc runs the first statement of each entry, as execute does
      String sql = SqlClassifier.firstStatement((String) batch[i]);
      sqls.add(sql);
      kinds.add(SqlClassifier.SHARED.classify(sql));
    }
    if (kinds.stream().noneMatch(FunnelStatement::runsAlone)) {
      if (sqls.stream().anyMatch(funnel::counts)) {
        clearBatch();
        List<String> texts = new ArrayList<>(sqls.size());
        for (String sql : sqls) {
          texts.add(funnel.rewrite(sql));
        }
        return funnel.batch(kinds, () -> oneByOne(sqls, texts), this);
      }
      for (int i = 0; i < batchPos; i++) {
        batch[i] = funnel.rewrite(sqls.get(i));
      }
      return funnel.batch(kinds, super::executeLargeBatch, this);
    }
    clearBatch();
    return oneByOne(sqls, null);
  }

  /** Table DDL and transaction control in a batch: the engine follows each one on its own. */
  private static boolean runsAlone(SqlKind kind) {
    return switch (kind) {
      case TABLE_DDL, BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO -> true;
      default -> false;
    };
  }

  /**
   * Runs the entries one at a time: each through the funnel as a statement of its own ({@code
   * texts} null), or, inside the batch's one write, each of {@code texts} (the rewritten entries)
   * as an {@link StatementFunnel#entry entry}. An entry's count is SQLite's {@code changes()} after
   * it, as sqlite-jdbc counts batch entries: the rows a write changed, the last write's after other
   * statements.
   */
  private long[] oneByOne(List<String> sqls, List<String> texts) throws SQLException {
    long[] counts = new long[sqls.size()];
    for (int i = 0; i < counts.length; i++) {
      try {
        String text = texts == null ? null : texts.get(i);
        if (texts == null) {
          executeLargeUpdate(sqls.get(i));
          counts[i] = funnel.changes(conn.getDatabase().changes());
        } else {
          counts[i] =
              funnel.entry(
                  sqls.get(i), () -> funnel.userRows(() -> super.executeLargeUpdate(text)));
        }
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

  @Override
  public void close() throws SQLException {
    super.close();
    funnel.statementClosed();
  }
}
