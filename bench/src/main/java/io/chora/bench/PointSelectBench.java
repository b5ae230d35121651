package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/** A prepared primary-key lookup of a random row out of 10,000, reading every column. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PointSelectBench {
  static final int ROWS = 10_000;

  @Param({"sqlite", "chora"})
  public String driver;

  private BenchDb db;
  private PreparedStatement select;
  private SplittableRandom random;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = BenchDb.open(driver);
    db.conn.setAutoCommit(false);
    try (PreparedStatement ps = db.conn.prepareStatement(BenchDb.INSERT_ITEM)) {
      for (int i = 1; i <= ROWS; i++) {
        ps.setLong(1, i);
        ps.setString(2, "n" + i);
        ps.setInt(3, i);
        ps.setDouble(4, i * 0.5);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    db.conn.commit();
    db.conn.setAutoCommit(true);
    select = db.conn.prepareStatement("SELECT name, qty, price FROM item WHERE id = ?");
    random = new SplittableRandom(42); // the same id sequence for both drivers
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    select.close();
    db.close();
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
