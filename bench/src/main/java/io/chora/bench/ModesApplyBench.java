package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
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
 * {@link MergeBench#applyFresh} in both modes: a change set of {@code rows} inserted rows applied
 * to an empty replica, one transaction. The {@code sqlite} baseline writes the same rows with plain
 * sqlite-jdbc in one batched transaction: what taking the data in costs without any merge. Rows per
 * second = rows / time (java mode sends a row as one change of 4 values, native mode as 3 cells).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class ModesApplyBench {
  @Param({"sqlite", "chora", "crsqlite"})
  public String driver;

  @Param({"20000"})
  public int rows;

  private Path dir;
  private ChangeSet set;
  private Connection receiver;
  private int invocation;

  @Setup(Level.Trial)
  public void prepare() throws SQLException {
    dir = ModeDb.tempDir(driver);
    if (!driver.equals("sqlite")) {
      try (Connection source = replica("source")) {
        BenchDb.fill(source, 1, rows, rows);
        set = source.unwrap(ChoraConnection.class).changesSince(new VectorClock());
      }
    }
  }

  private Connection replica(String name) throws SQLException {
    Connection conn = ModeDb.connect(driver, dir.resolve(name + ".db"));
    try (Statement st = conn.createStatement()) {
      st.execute(ModeDb.CREATE_ITEM);
    }
    return conn;
  }

  @Setup(Level.Invocation)
  public void freshReceiver() throws SQLException {
    receiver = replica("r" + invocation++);
  }

  @TearDown(Level.Invocation)
  public void closeReceiver() throws SQLException {
    receiver.close();
  }

  @TearDown(Level.Trial)
  public void cleanUp() {
    ModeDb.deleteTree(dir);
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
