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

/** {@link AutocommitInsertBench} in the three setups of {@link ModeDb}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ModesAutocommitInsertBench {
  @Param({"sqlite", "chora", "crsqlite"})
  public String driver;

  private ModeDb db;
  private PreparedStatement insert;
  private long nextId;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = ModeDb.open(driver);
    insert = db.conn.prepareStatement(BenchDb.INSERT_ITEM);
    nextId = 1;
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    insert.close();
    db.close();
  }

  @Benchmark
  public int autocommitInsert() throws SQLException {
    long id = nextId++;
    insert.setLong(1, id);
    insert.setString(2, "n" + id);
    insert.setLong(3, id);
    insert.setDouble(4, id * 0.5);
    return insert.executeUpdate();
  }
}
