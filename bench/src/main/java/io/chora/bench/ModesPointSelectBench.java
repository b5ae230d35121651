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

/** {@link PointSelectBench} in the three setups of {@link ModeDb}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ModesPointSelectBench {
  @Param({"sqlite", "chora", "crsqlite"})
  public String driver;

  private ModeDb db;
  private PreparedStatement select;
  private SplittableRandom random;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = ModeDb.open(driver);
    BenchDb.fill(db.conn, 1, PointSelectBench.ROWS, PointSelectBench.ROWS);
    select = db.conn.prepareStatement("SELECT name, qty, price FROM item WHERE id = ?");
    random = new SplittableRandom(42); // the same ids in every setup
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    select.close();
    db.close();
  }

  @Benchmark
  public void pointSelect(Blackhole bh) throws SQLException {
    select.setLong(1, random.nextInt(PointSelectBench.ROWS) + 1);
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
