package io.chora.bench;

import io.chora.age.IdentityFile;
import io.chora.age.SigningKey;
import io.chora.age.X25519Identity;
import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.hub.StoreUrl;
import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Write-to-visible latency through a hub on loopback: one replica commits a row, another replica's
 * remote-change listener hears it (after the row is applied and committed there). {@code java -cp
 * bench/target/benchmarks.jar io.chora.bench.HubLatency [samples]} prints p50, p99 and max over the
 * samples (default 1,000, after 100 warm-up writes), plain and age-encrypted, each with signed
 * changes off and on (chora.sign; on by default with encryption), in the same run. With {@code
 * -Dchora.bench.store=jdbc:postgresql://…} also with writer and reader on two hub instances sharing
 * that store.
 */
public final class HubLatency {
  private static final String TOKEN = "bench-token-0123456789";

  private HubLatency() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    Path dir = Files.createTempDirectory("chora-hub-latency");
    Path key = dir.resolve("team.key");
    IdentityFile.write(key, X25519Identity.generate());
    SigningKey.write(Path.of(key + ".sign"), SigningKey.generate()); // shared, like the key
    run(Files.createDirectories(dir.resolve("plain")), samples, "", "plain, unsigned");
    run(
        Files.createDirectories(dir.resolve("plain-signed")),
        samples,
        "&chora.sign=" + key + ".sign",
        "plain, signed");
    run(
        Files.createDirectories(dir.resolve("sealed")),
        samples,
        "&chora.encrypt=" + key + "&chora.sign=off",
        "age-encrypted, unsigned");
    run(
        Files.createDirectories(dir.resolve("sealed-signed")),
        samples,
        "&chora.encrypt=" + key,
        "age-encrypted, signed");
    StoreUrl store = HubThroughput.pgStore();
    if (store != null) {
      run(Files.createDirectories(dir.resolve("pg")), samples, "", store);
    }
  }

  private static void run(Path dir, int samples, String options, String label) throws Exception {
    try (HubServer hub = HubServer.start(HubConfig.of(dir.resolve("hub"), Map.of("w", TOKEN)))) {
      measure(dir, samples, options, label, hub, hub);
    }
  }

  /** Writer and reader on two hub instances sharing the PostgreSQL store. */
  private static void run(Path dir, int samples, String options, StoreUrl store) throws Exception {
    try (HubServer a =
            HubServer.start(HubConfig.of(dir.resolve("a"), Map.of("w", TOKEN)).withStore(store));
        HubServer b =
            HubServer.start(HubConfig.of(dir.resolve("b"), Map.of("w", TOKEN)).withStore(store))) {
      measure(dir, samples, options, "PostgreSQL store, writer and reader on two instances", a, b);
    }
  }

  private static void measure(
      Path dir, int samples, String options, String label, HubServer toWriter, HubServer toReader)
      throws Exception {
    try (Connection writer = open(dir, "writer", toWriter.port(), options);
        Connection reader = open(dir, "reader", toReader.port(), options)) {
      LinkedBlockingQueue<Long> heard =
          new LinkedBlockingQueue<>(); // a fast arrival must not be lost
      reader
          .unwrap(ChoraConnection.class)
          .addRemoteChangeListener(changes -> heard.offer(System.nanoTime()));
      long[] nanos = new long[samples];
      try (PreparedStatement insert = writer.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = -100; i < samples; i++) {
          insert.setInt(1, i + 100);
          insert.setString(2, "value " + i);
          long start = System.nanoTime();
          insert.executeUpdate();
          Long seen = heard.poll(10, TimeUnit.SECONDS);
          if (seen == null) {
            throw new IllegalStateException("write " + i + " never arrived");
          }
          if (i >= 0) {
            nanos[i] = seen - start;
          }
        }
      }
      Arrays.sort(nanos);
      System.out.printf(
          "write-to-visible through the hub, %s, %d samples: p50 %.2f ms, p99 %.2f ms, max %.2f"
              + " ms%n",
          label,
          samples,
          ms(nanos[samples / 2]),
          ms(nanos[samples * 99 / 100]),
          ms(nanos[samples - 1]));
    }
  }

  private static Connection open(Path dir, String site, int port, String options) throws Exception {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000"
                + "&chora.hub=ws://127.0.0.1:"
                + port
                + "/w&chora.hub.token="
                + TOKEN
                + options);
    try (var st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.unwrap(ChoraConnection.class).hubStatus().connected()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not connected to the hub");
      }
      Thread.sleep(10);
    }
    return c;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
