package io.chora.bench;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1,000 distinct non-prepared INSERTs through {@code Statement.executeUpdate} in one transaction,
 * in each {@code mode}. Every text carries new literal values, so no text is ever seen twice (no
 * cache keyed by the SQL text can help): what chora adds per statement it has not seen before. The
 * texts are built, and {@code item} emptied (DROP + CREATE), outside the measurement. One operation
 * is 1,000 statements.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DistinctStatementsBench extends ModeBench {
  static final int STATEMENTS = 1_000;

  private final String[] texts = new String[STATEMENTS];
  private long nextId = 1;

  @Setup(Level.Invocation)
  public void prepareTexts() throws SQLException {
    db.recreateItem();
    for (int k = 0; k < STATEMENTS; k++) {
      long id = nextId++; // unique over the whole trial, so every text is new
      texts[k] =
          "INSERT INTO item(id, name, qty, price) VALUES ("
              + id
              + ", 'n"
              + id
              + "', "
              + id
              + ", "
              + (id * 0.5)
              + ")";
    }
  }

  @Benchmark
  public int distinctStatements1k() throws SQLException {
    db.conn.setAutoCommit(false);
    int counted = 0;
    try (Statement st = db.conn.createStatement()) {
      for (String sql : texts) {
        counted += st.executeUpdate(sql);
      }
    }
    db.conn.commit();
    db.conn.setAutoCommit(true);
    return counted;
  }

  /**
   * Checks the table rather than the update counts: for a non-prepared statement sqlite-jdbc counts
   * the rows triggers write too, and in native mode those are cr-sqlite's clock rows.
   */
  @TearDown(Level.Invocation)
  public void checkRows() throws SQLException {
    long rows = BenchDb.count(db.conn);
    if (rows != STATEMENTS) {
      throw new IllegalStateException("inserted " + rows + " rows, expected " + STATEMENTS);
    }
  }
}
