package io.chora.bench;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 1,000 distinct non-prepared INSERTs through {@code Statement.executeUpdate} in one transaction.
 * Every text carries new literal values, so no text is ever seen twice (no cache can help). The
 * texts are built, and {@code item} emptied (DROP + CREATE), outside the measurement. One operation
 * is 1,000 statements.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DistinctStatementsBench {
  static final int STATEMENTS = 1_000;

  @Param({"sqlite", "chora"})
  public String driver;

  private BenchDb db;
  private final String[] texts = new String[STATEMENTS];
  private long nextId;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = BenchDb.open(driver);
    nextId = 1;
  }

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

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    db.close();
  }

  @Benchmark
  public int distinctStatements1k() throws SQLException {
    db.conn.setAutoCommit(false);
    int inserted = 0;
    try (Statement st = db.conn.createStatement()) {
      for (String sql : texts) {
        inserted += st.executeUpdate(sql);
      }
    }
    db.conn.commit();
    db.conn.setAutoCommit(true);
    if (inserted != STATEMENTS) {
      throw new IllegalStateException("inserted " + inserted + " rows, expected " + STATEMENTS);
    }
    return inserted;
  }
}
