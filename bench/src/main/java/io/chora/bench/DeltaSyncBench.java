package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
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
 * Two replicas that share {@code history} rows sync one new row: an autocommit INSERT on one, then
 * {@code syncWith} the other. What it shows is whether a sync's cost follows what is new or what
 * the replicas hold. Sync has no plain-sqlite counterpart, so {@code mode} is {@code java} or
 * {@code crsqlite} only, and the two are compared with each other. Setup (filling and first syncing
 * {@code history} rows) takes a while in native mode; {@code -p history=1000} makes a quick try.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class DeltaSyncBench {
  @Param({BenchDb.JAVA, BenchDb.CRSQLITE})
  public String mode;

  @Param({"100000"})
  public int history;

  private Path dir;
  private ChoraConnection a;
  private ChoraConnection b;
  private int next;

  @Setup(Level.Trial)
  public void prepare() throws SQLException {
    dir = BenchDb.tempDir(mode);
    a = replica("a");
    b = replica("b");
    BenchDb.fill(a, 1, history, history); // one transaction
    a.syncWith(b);
    next = history + 1;
  }

  private ChoraConnection replica(String name) throws SQLException {
    Connection conn = BenchDb.replica(mode, dir, name);
    return conn.unwrap(ChoraConnection.class);
  }

  @Benchmark
  public int deltaSync() throws SQLException {
    try (Statement st = a.createStatement()) {
      st.executeUpdate("INSERT INTO item VALUES (" + next + ", 'new', 1, 0.5)");
    }
    next++;
    return a.syncWith(b).changesSent();
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    try {
      a.close();
      b.close();
    } finally {
      BenchDb.deleteTree(dir);
    }
  }
}
