package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Eight threads sharing one connection (issue 17), each with its own prepared statements: the
 * average time of an autocommit insert or a point read while the others run, in each {@code mode}.
 * sqlite-jdbc serializes the calls on the connection, so this shows what chora's atomic sequences
 * add under contention, not parallel speed-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
public class SharedConnectionBench {
  @Param({BenchDb.SQLITE, BenchDb.JAVA, BenchDb.CRSQLITE})
  public String mode;

  BenchDb db;
  private final AtomicLong nextId = new AtomicLong(PointSelectBench.ROWS + 1);

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = BenchDb.open(mode);
    BenchDb.fill(db.conn, 1, PointSelectBench.ROWS, PointSelectBench.ROWS);
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    db.close();
  }

  /** One thread's statements on the shared connection. */
  @State(Scope.Thread)
  public static class Caller {
    PreparedStatement insert;
    PreparedStatement select;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void prepare(SharedConnectionBench shared) throws SQLException {
      insert = shared.db.conn.prepareStatement(BenchDb.INSERT_ITEM);
      select = shared.db.conn.prepareStatement("SELECT name, qty, price FROM item WHERE id = ?");
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      insert.close();
      select.close();
    }
  }

  @Benchmark
  public int sharedAutocommitInsert(Caller caller) throws SQLException {
    BenchDb.bindItem(caller.insert, nextId.getAndIncrement());
    return caller.insert.executeUpdate();
  }

  @Benchmark
  public double sharedPointSelect(Caller caller) throws SQLException {
    caller.select.setLong(1, caller.random.nextInt(PointSelectBench.ROWS) + 1);
    try (ResultSet rs = caller.select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("row not found");
      }
      return rs.getLong(2) + rs.getDouble(3) + rs.getString(1).length();
    }
  }
}
