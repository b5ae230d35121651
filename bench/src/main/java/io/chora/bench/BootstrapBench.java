package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.VectorClock;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A large history synced into an empty replica, phase by phase, in java and native mode, next to
 * cr-sqlite's raw merge and a plain SQLite copy ({@code VACUUM INTO}) of the same rows, measured in
 * the same run: {@code java -cp bench/target/benchmarks.jar io.chora.bench.BootstrapBench
 * [rows,rows,...] [rounds]} (default 10,000 and 100,000 rows, 5 rounds; rows are written in
 * transactions of 10,000). Each source is written once; every round works on a fresh copy of it (so
 * the fold runs again) and a fresh receiver, the cases taking turns, and the medians are printed.
 * Fails if a receiver's rows differ from its source's.
 *
 * <p>Phases of a chora case: {@code first out} is the first {@code changesSince} into a file
 * (folding the log into merge state, reading, writing the wire format), {@code again} the same call
 * a second time (no fold left), so {@code fold} = first - again; {@code parse} reads the file back
 * without applying; {@code apply} applies it to the empty receiver (parse included). {@code end to
 * end} = first out + apply. Cell changes are rows × 3 (name, qty, price). The {@code , cpu} lines
 * are the same phases in the thread's CPU time.
 */
public final class BootstrapBench {
  private static final int PER_TX = 10_000;

  /**
   * The thread's CPU time, SQLite's work included (it runs on the calling thread): on 2 cores
   * shared at a load of 10 and more, wall times measure the neighbours; CPU times stay comparable.
   */
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * The cases to run (all by default; a profile wants one): java, crsqlite, raw, copy, clone (java
   * mode's {@code cloneTo} of the java source: the snapshot bootstrap), plain (a {@code VACUUM
   * INTO} of a plain SQLite file holding the same rows without chora's tables).
   */
  private static List<String> cases =
      List.of(BenchDb.JAVA, BenchDb.CRSQLITE, "raw", "copy", "clone", "plain");

  private BootstrapBench() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String s : (args.length > 0 ? args[0] : "10000,100000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    if (args.length > 2) {
      cases = List.of(args[2].split(","));
    }
    System.out.println("load before: " + uptime());
    boolean warm = false;
    for (int rows : sizes) {
      run(rows, rounds, warm);
      warm = true;
    }
    System.out.println("load after: " + uptime());
  }

  /** {@code warm}: the JIT compiled the paths already (a smaller size ran first). */
  private static void run(int rows, int rounds, boolean warm) throws Exception {
    Path dir = BenchDb.tempDir("bootstrap");
    try {
      Path javaSource = dir.resolve("java-source.db");
      Path nativeSource = dir.resolve("native-source.db");
      Path rawSource = dir.resolve("raw-source.db");
      Path plainSource = dir.resolve("plain-source.db");
      write(BenchDb.JAVA, javaSource, rows);
      if (cases.contains("plain")) {
        write(BenchDb.SQLITE, plainSource, rows);
      }
      if (cases.contains(BenchDb.CRSQLITE)) {
        write(BenchDb.CRSQLITE, nativeSource, rows);
      }
      if (cases.contains("raw")) {
        Connection raw = RawCrSqlite.open(rawSource);
        BenchDb.fill(raw, 1, rows, PER_TX);
        RawCrSqlite.close(raw);
      }
      Map<String, List<Double>> ms = new LinkedHashMap<>();
      for (int round = warm ? 0 : -1; round < rounds; round++) {
        if (round == 0) {
          ms.clear(); // round -1 warmed the JIT up: a first call would count compiling as folding
        }
        Path work = Files.createDirectory(dir.resolve("round" + (round + 1)));
        if (cases.contains("copy")) {
          copy(javaSource, work, "VACUUM INTO copy", ms);
        }
        if (cases.contains("clone")) {
          cloneOf(javaSource, work, ms);
        }
        if (cases.contains("plain")) {
          copy(plainSource, work, "plain VACUUM INTO", ms);
        }
        if (cases.contains(BenchDb.JAVA)) {
          chora(BenchDb.JAVA, javaSource, work, ms);
        }
        if (cases.contains(BenchDb.CRSQLITE)) {
          chora(BenchDb.CRSQLITE, nativeSource, work, ms);
        }
        if (cases.contains("raw")) {
          raw(rawSource, work, ms);
        }
        BenchDb.deleteTree(work);
      }
      report(rows, rounds, ms);
    } finally {
      BenchDb.deleteTree(dir);
    }
  }

  private static void write(String mode, Path file, int rows) throws SQLException {
    try (Connection conn = BenchDb.connect(mode, file, "source")) {
      try (Statement st = conn.createStatement()) {
        st.execute(BenchDb.CREATE_ITEM);
      }
      BenchDb.fill(conn, 1, rows, PER_TX);
    }
  }

  /**
   * The physical reference: a plain SQLite copy of the java source, everything in it (or of the
   * plain source: the user's rows alone).
   */
  private static void copy(Path source, Path work, String phase, Map<String, List<Double>> ms)
      throws SQLException {
    try (Connection conn = BenchDb.connect(BenchDb.SQLITE, source, null);
        Statement st = conn.createStatement()) {
      long t0 = System.nanoTime();
      st.execute("VACUUM INTO '" + work.resolve(phase.replace(' ', '-') + ".db") + "'");
      add(ms, phase, t0, System.nanoTime());
    }
  }

  /**
   * The snapshot bootstrap: {@code cloneTo} of the java source, until the clone is open under its
   * own site and ready (what {@code chora clone} waits for). Fails if the clone's rows differ.
   */
  private static void cloneOf(Path template, Path work, Map<String, List<Double>> ms)
      throws Exception {
    Path source = work.resolve("clone-source.db");
    Files.copy(template, source);
    Path clone = work.resolve("clone.db");
    try (Connection from = BenchDb.connect(BenchDb.JAVA, source, "source")) {
      long t0 = System.nanoTime();
      from.unwrap(ChoraConnection.class).cloneTo(clone, "clone");
      add(ms, "java cloneTo", t0, System.nanoTime());
      try (Connection to = BenchDb.connect(BenchDb.JAVA, clone, "clone")) {
        if (!BenchDb.checksum(from).equals(BenchDb.checksum(to))) {
          throw new IllegalStateException("the clone's rows differ from its source's");
        }
      }
    }
  }

  private static void chora(String mode, Path template, Path work, Map<String, List<Double>> ms)
      throws Exception {
    Path source = work.resolve(mode + "-source.db");
    Files.copy(template, source);
    Path wire = work.resolve(mode + ".json");
    try (Connection from = BenchDb.connect(mode, source, "source");
        Connection to = BenchDb.replica(mode, work, mode + "-target")) {
      ChoraConnection a = from.unwrap(ChoraConnection.class);
      long c0 = CPU.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      writeSet(a, wire);
      long t1 = System.nanoTime();
      long c1 = CPU.getCurrentThreadCpuTime();
      writeSet(a, work.resolve(mode + "-again.json"));
      long t2 = System.nanoTime();
      long parsed = parse(wire);
      long c3 = CPU.getCurrentThreadCpuTime();
      long t3 = System.nanoTime();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(wire), 1 << 16)) {
        to.unwrap(ChoraConnection.class).apply(in);
      }
      long t4 = System.nanoTime();
      long c4 = CPU.getCurrentThreadCpuTime();
      add(ms, mode + " first out", t0, t1);
      add(ms, mode + " again", t1, t2);
      ms.computeIfAbsent(mode + " fold", k -> new ArrayList<>()).add(((t1 - t0) - (t2 - t1)) / 1e6);
      add(ms, mode + " parse", t2, t3);
      add(ms, mode + " apply", t3, t4);
      ms.computeIfAbsent(mode + " end to end", k -> new ArrayList<>())
          .add(((t1 - t0) + (t4 - t3)) / 1e6);
      add(ms, mode + " first out, cpu", c0, c1);
      add(ms, mode + " apply, cpu", c3, c4);
      ms.computeIfAbsent(mode + " end to end, cpu", k -> new ArrayList<>())
          .add(((c1 - c0) + (c4 - c3)) / 1e6);
      String want = BenchDb.checksum(from);
      String got = BenchDb.checksum(to);
      if (!want.equals(got) || parsed == 0) {
        throw new IllegalStateException(mode + " receiver differs: " + got + " vs " + want);
      }
    }
  }

  private static void writeSet(ChoraConnection conn, Path file) throws Exception {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      conn.changesSince(new VectorClock(), out);
    }
  }

  /** Reads a set without applying it: what the wire format costs on the receiving side. */
  private static long parse(Path file) throws IOException {
    long changes = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        ChangeSetReader reader = new ChangeSetReader(in)) {
      while (reader.hasNext()) {
        changes += reader.next().changes().size();
      }
    }
    return changes;
  }

  private static void raw(Path template, Path work, Map<String, List<Double>> ms) throws Exception {
    Path source = work.resolve("raw-source.db");
    Files.copy(template, source);
    Connection from = RawCrSqlite.open(source);
    Connection to = RawCrSqlite.open(work.resolve("raw-target.db"));
    try {
      long t0 = System.nanoTime();
      List<Object[]> changes = RawCrSqlite.changes(from);
      long t1 = System.nanoTime();
      RawCrSqlite.merge(to, changes);
      long t2 = System.nanoTime();
      add(ms, "crsqlite raw read", t0, t1);
      add(ms, "crsqlite raw merge", t1, t2);
      ms.computeIfAbsent("crsqlite raw changes", k -> new ArrayList<>())
          .add((double) changes.size());
      if (!BenchDb.checksum(from).equals(BenchDb.checksum(to))) {
        throw new IllegalStateException("raw cr-sqlite receiver differs");
      }
    } finally {
      RawCrSqlite.close(from);
      RawCrSqlite.close(to);
    }
  }

  private static void add(Map<String, List<Double>> ms, String phase, long t0, long t1) {
    ms.computeIfAbsent(phase, k -> new ArrayList<>()).add((t1 - t0) / 1e6);
  }

  private static void report(int rows, int rounds, Map<String, List<Double>> ms) {
    double cells = rows * 3.0;
    double copy = median(ms.get("VACUUM INTO copy"));
    double rawRate = median(ms.get("crsqlite raw changes")) / median(ms.get("crsqlite raw merge"));
    System.out.printf(
        Locale.ROOT,
        "%n%,d rows (%,.0f cell changes), medians of %d rounds, load %s%n",
        rows,
        cells,
        rounds,
        uptime());
    System.out.printf(Locale.ROOT, "  %-24s %10s %14s %8s%n", "phase", "ms", "cells/s", "× copy");
    for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
      if (e.getKey().equals("crsqlite raw changes")) {
        System.out.printf(Locale.ROOT, "  %-24s %,10.0f%n", e.getKey(), median(e.getValue()));
        continue;
      }
      double m = median(e.getValue());
      double n =
          e.getKey().startsWith("crsqlite raw") ? median(ms.get("crsqlite raw changes")) : cells;
      System.out.printf(
          Locale.ROOT, "  %-24s %,10.1f %,14.0f %8.2f%n", e.getKey(), m, n / m * 1000, m / copy);
    }
    for (String mode : List.of(BenchDb.JAVA, BenchDb.CRSQLITE)) {
      if (!ms.containsKey(mode + " end to end")) {
        continue;
      }
      double rate = cells / median(ms.get(mode + " end to end"));
      System.out.printf(
          Locale.ROOT,
          "  %s end to end: %,.0f cells/s = %.2f× cr-sqlite's raw merge (%,.0f/s)%n",
          mode,
          rate * 1000,
          rate / rawRate,
          rawRate * 1000);
    }
  }

  /** The median; NaN for a case that did not run. */
  private static double median(List<Double> values) {
    if (values == null) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
