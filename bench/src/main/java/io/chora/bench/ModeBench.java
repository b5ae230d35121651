package io.chora.bench;

import java.sql.SQLException;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the benchmarks on one database share: the {@code mode} parameter (see {@link BenchDb}), a
 * fresh database per trial, and average time over 3 warmup and 5 measured iterations of 2 s in one
 * fork. Average time rather than a few single shots: WAL checkpoints land in some commits and not
 * others, and averaging spreads their cost the way a real workload pays it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class ModeBench {
  @Param({BenchDb.SQLITE, BenchDb.JAVA, BenchDb.CRSQLITE})
  public String mode;

  BenchDb db;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = BenchDb.open(mode);
    prepare();
  }

  /**
   * What a benchmark sets up on {@link #db} once per trial. A hook rather than a second {@code
   * Setup} method, whose order relative to {@link #open} JMH does not promise.
   */
  void prepare() throws SQLException {}

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    db.close();
  }
}
