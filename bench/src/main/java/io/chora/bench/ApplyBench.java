package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
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
 * A change set of {@code rows} inserted rows (4 columns each), taken from one replica, applied to a
 * fresh empty replica in one transaction. Apply has no plain-sqlite counterpart, so in mode {@code
 * sqlite} the same rows are written with plain sqlite-jdbc in one batched transaction instead: what
 * taking the data in costs without any merge. Rows per second = rows / time; java mode carries a
 * row as one change of 4 values, native mode ({@code crsqlite}) as 3 cells. Single shots, as each
 * needs a fresh receiver.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class ApplyBench {
  @Param({BenchDb.SQLITE, BenchDb.JAVA, BenchDb.CRSQLITE})
  public String mode;

  @Param({"20000"})
  public int rows;

  private Path dir;
  private ChangeSet set;
  private Connection receiver;
  private int invocation;

  @Setup(Level.Trial)
  public void prepare() throws SQLException {
    dir = BenchDb.tempDir(mode);
    if (!mode.equals(BenchDb.SQLITE)) {
      try (Connection source = BenchDb.replica(mode, dir, "source")) {
        BenchDb.fill(source, 1, rows, rows); // one transaction
        set = source.unwrap(ChoraConnection.class).changesSince(new VectorClock());
      }
    }
  }

  @Setup(Level.Invocation)
  public void freshReceiver() throws SQLException {
    receiver = BenchDb.replica(mode, dir, "r" + invocation++);
  }

  @TearDown(Level.Invocation)
  public void closeReceiver() throws SQLException {
    receiver.close();
  }

  @TearDown(Level.Trial)
  public void cleanUp() {
    BenchDb.deleteTree(dir);
  }

  @Benchmark
  public int applyFresh() throws SQLException {
    if (set == null) {
      BenchDb.fill(receiver, 1, rows, rows);
      return rows;
    }
    return receiver.unwrap(ChoraConnection.class).apply(set).applied();
  }
}
