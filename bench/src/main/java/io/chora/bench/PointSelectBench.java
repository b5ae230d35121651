package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A prepared primary-key lookup of a random row out of 10,000, reading every column, in each {@code
 * mode}: what chora adds to a read.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PointSelectBench extends ModeBench {
  static final int ROWS = 10_000;

  private PreparedStatement select;
  private SplittableRandom random;

  @Override
  void prepare() throws SQLException {
    BenchDb.fill(db.conn, 1, ROWS, ROWS);
    select = db.prepare("SELECT name, qty, price FROM item WHERE id = ?");
    random = new SplittableRandom(42); // the same ids in every mode
  }

  @Benchmark
  public void pointSelect(Blackhole bh) throws SQLException {
    select.setLong(1, random.nextInt(ROWS) + 1);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("row not found");
      }
      bh.consume(rs.getString(1));
      bh.consume(rs.getLong(2));
      bh.consume(rs.getDouble(3));
    }
  }
}
