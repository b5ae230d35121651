package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * {@link BatchInsertBench} in the three setups of {@link ModeDb}: one transaction inserting 10,000
 * rows through a PreparedStatement batch into an empty table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ModesBatchInsertBench {
  @Param({"sqlite", "chora", "crsqlite"})
  public String driver;

  private ModeDb db;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = ModeDb.open(driver);
  }

  @Setup(Level.Invocation)
  public void emptyTable() throws SQLException {
    db.recreateItem();
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    db.close();
  }

  @Benchmark
  public int batchInsert10k() throws SQLException {
    db.conn.setAutoCommit(false);
    int inserted = 0;
    try (PreparedStatement ps = db.conn.prepareStatement(BenchDb.INSERT_ITEM)) {
      for (int i = 1; i <= BatchInsertBench.ROWS; i++) {
        ps.setLong(1, i);
        ps.setString(2, "n" + i);
        ps.setInt(3, i);
        ps.setDouble(4, i * 0.5);
        ps.addBatch();
      }
      for (int n : ps.executeBatch()) {
        inserted += n;
      }
    }
    db.conn.commit();
    db.conn.setAutoCommit(true);
    if (inserted != BatchInsertBench.ROWS) {
      throw new IllegalStateException("inserted " + inserted + " rows");
    }
    return inserted;
  }
}
