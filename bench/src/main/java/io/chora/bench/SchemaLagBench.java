package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * A change set of {@code rows} inserted rows from a replica a schema version ahead, applied to a
 * fresh replica in one transaction. The source's item has four more columns ({@link #NEWER}), so a
 * row is one change of 8 values of which 4 are for columns the {@code lagging} receiver lacks: it
 * merges the other half and keeps those cells aside ({@code chora_aside}, see
 * docs/schema-changes.md). A {@code full} receiver, migrated like the source, merges all 8: the
 * same set, the same rows. The target is a lagging apply rate (rows/s) of at least 80% of the full
 * one, a lagging/full time of at most 1.25 ({@link Ratios} prints it). Java mode only: native mode
 * refuses a set that writes a column it lacks, and plain sqlite-jdbc has no apply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class SchemaLagBench {
  /** The source's migration: as many values again as item has, of the same kinds. */
  static final String[] NEWER = {
    "ALTER TABLE item ADD COLUMN a TEXT",
    "ALTER TABLE item ADD COLUMN b INTEGER",
    "ALTER TABLE item ADD COLUMN c REAL",
    "ALTER TABLE item ADD COLUMN d TEXT"
  };

  @Param({BenchDb.JAVA})
  public String mode;

  @Param({"full", "lagging"})
  public String receiver;

  @Param({"20000"})
  public int rows;

  private Path dir;
  private ChangeSet set;
  private Connection target;
  private int invocation;

  @Setup(Level.Trial)
  public void prepare() throws SQLException {
    dir = BenchDb.tempDir(mode);
    try (Connection source = BenchDb.replica(mode, dir, "source")) {
      migrate(source);
      source.setAutoCommit(false); // one transaction
      try (PreparedStatement ps =
          source.prepareStatement("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int id = 1; id <= rows; id++) {
          BenchDb.bindItem(ps, id);
          ps.setString(5, "a" + id);
          ps.setLong(6, id * 3L);
          ps.setDouble(7, id * 0.75);
          ps.setString(8, "d" + id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      source.commit();
      set = source.unwrap(ChoraConnection.class).changesSince(new VectorClock());
    }
  }

  private static void migrate(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      for (String ddl : NEWER) {
        st.execute(ddl);
      }
    }
  }

  @Setup(Level.Invocation)
  public void freshReceiver() throws SQLException {
    target = BenchDb.replica(mode, dir, "r" + invocation++);
    if (receiver.equals("full")) {
      migrate(target);
    }
  }

  @TearDown(Level.Invocation)
  public void checkAndClose() throws SQLException {
    try {
      long kept = target.unwrap(ChoraConnection.class).heldAside().getOrDefault("item", 0L);
      long expected = receiver.equals("full") ? 0 : 4L * rows;
      if (BenchDb.count(target) != rows || kept != expected) {
        throw new IllegalStateException(BenchDb.count(target) + " rows, " + kept + " cells kept");
      }
    } finally {
      target.close();
    }
  }

  @TearDown(Level.Trial)
  public void cleanUp() {
    BenchDb.deleteTree(dir);
  }

  @Benchmark
  public int applyNewerSchema() throws SQLException {
    return target.unwrap(ChoraConnection.class).apply(set).applied();
  }
}
