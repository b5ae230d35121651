package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
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
 * Merge costs. {@code applyFresh}: a change set of {@code rows} inserted rows (4 columns each) into
 * an empty replica; column changes per second = rows × 4 / time. {@code deltaSync}: two replicas
 * that share {@code history} rows sync one new row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class MergeBench {
  static final int COLUMNS = 4;

  @Param({"20000"})
  public int rows;

  @Param({"100000"})
  public int history;

  private Path dir;
  private ChangeSet set;
  private Connection receiver;
  private Connection a;
  private Connection b;
  private int next;
  private int invocation;

  @Setup(Level.Trial)
  public void prepare() throws Exception {
    dir = Files.createTempDirectory("chora-merge-bench");
    try (Connection source = replica("source")) {
      fill(source, 1, rows);
      set = source.unwrap(ChoraConnection.class).changesSince(new VectorClock());
    }
    a = replica("a");
    b = replica("b");
    fill(a, 1, history);
    a.unwrap(ChoraConnection.class).syncWith(b.unwrap(ChoraConnection.class));
    next = history + 1;
  }

  private Connection replica(String site) throws SQLException {
    return BenchDb.replica(dir, site);
  }

  private static void fill(Connection conn, int from, int count) throws SQLException {
    BenchDb.fill(conn, from, count, count); // one transaction
  }

  @Setup(Level.Invocation)
  public void freshReceiver() throws SQLException {
    receiver = replica("r" + invocation++);
  }

  @TearDown(Level.Invocation)
  public void closeReceiver() throws SQLException {
    receiver.close();
  }

  @Benchmark
  public int applyFresh() throws SQLException {
    return receiver.unwrap(ChoraConnection.class).apply(set).applied();
  }

  @Benchmark
  public int deltaSync() throws SQLException {
    try (Statement st = a.createStatement()) {
      st.executeUpdate("INSERT INTO item VALUES (" + next + ", 'new', 1, 0.5)");
    }
    next++;
    return a.unwrap(ChoraConnection.class).syncWith(b.unwrap(ChoraConnection.class)).changesSent();
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    a.close();
    b.close();
  }
}
