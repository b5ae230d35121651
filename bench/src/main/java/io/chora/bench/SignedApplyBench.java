package io.chora.bench;

import io.chora.age.SigningKey;
import io.chora.jdbc.ChoraConnection;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * {@link ApplyBench}'s set of {@code rows} inserted rows, exported as bytes ({@code
 * changesSince(peer, out)}) and applied from them ({@code apply(InputStream)}) to a fresh java-mode
 * replica, with {@code signed} off and on (chora.sign): what checking a set's signature (a copy to
 * a temporary file, one SHA-256 over it, one Ed25519 verification) adds to taking it in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class SignedApplyBench {
  @Param({"false", "true"})
  public boolean signed;

  @Param({"20000"})
  public int rows;

  private Path dir;
  private String signing;
  private byte[] set;
  private Connection receiver;
  private int invocation;

  @Setup(Level.Trial)
  public void prepare() throws SQLException, IOException {
    dir = BenchDb.tempDir(BenchDb.JAVA);
    Path key = dir.resolve("device.sign");
    SigningKey.write(key, SigningKey.generate()); // one shared key: every replica a member
    signing = signed ? "&chora.sign=" + key : "";
    try (Connection source = open("source")) {
      BenchDb.fill(source, 1, rows, rows); // one transaction
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      source.unwrap(ChoraConnection.class).changesSince(new VectorClock(), out);
      set = out.toByteArray();
    }
  }

  private Connection open(String site) throws SQLException {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&journal_mode=WAL&synchronous=NORMAL"
                + signing);
    try (Statement st = c.createStatement()) {
      st.execute(BenchDb.CREATE_ITEM);
    }
    return c;
  }

  @Setup(Level.Invocation)
  public void freshReceiver() throws SQLException {
    receiver = open("r" + invocation++);
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
  public int applyFromBytes() throws SQLException {
    return receiver.unwrap(ChoraConnection.class).apply(new ByteArrayInputStream(set)).applied();
  }
}
