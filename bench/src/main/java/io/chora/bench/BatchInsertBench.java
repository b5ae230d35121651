package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * One transaction inserting 10,000 rows through a PreparedStatement batch, in each {@code mode},
 * with explicit keys and with keys left to SQLite. Each invocation starts from an empty {@code
 * item} table (DROP + CREATE, outside the measurement).
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BatchInsertBench extends ModeBench {
  static final int ROWS = 10_000;

  @Setup(Level.Invocation)
  public void emptyTable() throws SQLException {
    db.recreateItem();
  }

  @Benchmark
  public int batchInsert10k() throws SQLException {
    return insert(BenchDb.INSERT_ITEM, false);
  }

  /** The same rows with keys left to SQLite: in java mode, to the replica's key block. */
  @Benchmark
  public int batchInsert10kGeneratedKeys() throws SQLException {
    return insert(BenchDb.INSERT_ITEM_GENERATED, true);
  }

  private int insert(String sql, boolean generated) throws SQLException {
    db.conn.setAutoCommit(false);
    int inserted = 0;
    try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
      for (int i = 1; i <= ROWS; i++) {
        if (generated) {
          BenchDb.bindGeneratedItem(ps, i);
        } else {
          BenchDb.bindItem(ps, i);
        }
        ps.addBatch();
      }
      for (int n : ps.executeBatch()) {
        inserted += n;
      }
    }
    db.conn.commit();
    db.conn.setAutoCommit(true);
    if (inserted != ROWS) {
      throw new IllegalStateException("inserted " + inserted + " rows, expected " + ROWS);
    }
    return inserted;
  }
}
