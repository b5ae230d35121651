package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * How big chora's own tables grow against the user's data under churn, across three java-mode
 * replicas: {@code java -cp bench/target/benchmarks.jar io.chora.bench.MetadataBench [rows] [churn]
 * [replicas] [seed]} (default 100,000 rows, churn 10, 3 replicas).
 *
 * <p>Replica {@code r0} inserts {@code rows} rows of ten columns ({@code c0..c9}: five texts, three
 * integers, two reals) and every replica gets them. Then {@code churn} units run one after another,
 * each: 10 updates per live row, each of one random column, written on a random replica in
 * transactions of 1,000 updates; 30% of the live rows deleted; rows deleted so far re-inserted up
 * to 20% of {@code rows} (the same keys: a new life of each). The keys stay {@code 1..rows}, so the
 * user data keeps its size while the history grows. Between batches a random pair of replicas syncs
 * now and then (one batch in ten). After units 1, 2, 5 and 10 (those ≤ churn) every replica syncs
 * to the same clock and each replica's file is measured: bytes per table and index from SQLite's
 * {@code dbstat} (of a {@code VACUUM INTO} copy, so that free pages of deleted history do not
 * count), chora's tables against the user table. The curve over the units shows whether the
 * metadata stays flat as the history grows.
 */
public final class MetadataBench {
  private static final int COLUMNS = 10;
  private static final int PER_TX = 1_000;
  private static final String CREATE =
      "CREATE TABLE doc(id INTEGER PRIMARY KEY NOT NULL, c0 TEXT, c1 TEXT, c2 TEXT, c3 TEXT,"
          + " c4 TEXT, c5 INTEGER, c6 INTEGER, c7 INTEGER, c8 REAL, c9 REAL)";
  private static final String INSERT =
      "INSERT INTO doc(id, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Random random;
  private final List<Connection> replicas = new ArrayList<>();
  private final BitSet alive = new BitSet();
  private final int rows;
  private long updates;
  private long syncs;
  private long writeNanos;
  private long syncNanos;

  private MetadataBench(int rows, long seed) {
    this.rows = rows;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int churn = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 18L;
    System.out.printf(
        Locale.ROOT,
        "MetadataBench rows=%,d churn=%d replicas=%d seed=%d, load before: %s%n",
        rows,
        churn,
        count,
        seed,
        uptime());
    Path dir = BenchDb.tempDir("metadata");
    MetadataBench bench = new MetadataBench(rows, seed);
    try {
      for (int i = 0; i < count; i++) {
        // random UUIDs, as replicas get them without chora.site: site ids repeat in the state
        Connection conn =
            BenchDb.connect(
                BenchDb.JAVA, dir.resolve("r" + i + ".db"), java.util.UUID.randomUUID().toString());
        bench.replicas.add(conn);
        try (Statement st = conn.createStatement()) {
          st.execute(CREATE);
        }
      }
      long t0 = System.nanoTime();
      bench.insertAll();
      bench.syncAll();
      System.out.printf(
          Locale.ROOT, "inserted and synced in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      bench.measure(dir, 0);
      for (int unit = 1; unit <= churn; unit++) {
        long t1 = System.nanoTime();
        bench.unit();
        bench.syncAll();
        System.out.printf(
            Locale.ROOT,
            "unit %d: %,d updates so far, %,d pairwise syncs (%.1f s writing, %.1f s syncing in"
                + " all), %.1f s, load %s%n",
            unit,
            bench.updates,
            bench.syncs,
            bench.writeNanos / 1e9,
            bench.syncNanos / 1e9,
            (System.nanoTime() - t1) / 1e9,
            uptime());
        if (unit == 1 || unit == 2 || unit == 5 || unit == 10 || unit == churn) {
          bench.measure(dir, unit);
        }
      }
    } finally {
      for (Connection conn : bench.replicas) {
        conn.close();
      }
      BenchDb.deleteTree(dir);
    }
    System.out.println("load after: " + uptime());
  }

  private void insertAll() throws SQLException {
    Connection conn = replicas.get(0);
    conn.setAutoCommit(false);
    try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
      for (int id = 1; id <= rows; id++) {
        bindRow(ps, id);
        ps.addBatch();
        alive.set(id);
        if (id % 10_000 == 0 || id == rows) {
          ps.executeBatch();
          conn.commit();
        }
      }
    } finally {
      conn.setAutoCommit(true);
    }
  }

  private void bindRow(PreparedStatement ps, int id) throws SQLException {
    ps.setInt(1, id);
    for (int c = 0; c < COLUMNS; c++) {
      bind(ps, c + 2, c);
    }
  }

  /** A random value of column {@code c}'s type, about the size an application's would be. */
  private void bind(PreparedStatement ps, int index, int c) throws SQLException {
    if (c < 5) {
      ps.setString(index, "v" + Long.toString(random.nextLong() >>> 20, 36));
    } else if (c < 8) {
      ps.setLong(index, random.nextInt(1_000_000));
    } else {
      ps.setDouble(index, random.nextDouble() * 1000);
    }
  }

  /** One unit of churn: the updates, the deletes, the re-inserts, each on random replicas. */
  private void unit() throws SQLException {
    List<Integer> live = new ArrayList<>();
    for (int id = alive.nextSetBit(0); id >= 0; id = alive.nextSetBit(id + 1)) {
      live.add(id);
    }
    long total = live.size() * 10L;
    for (long done = 0; done < total; done += PER_TX) {
      Connection conn = replicas.get(random.nextInt(replicas.size()));
      long t0 = System.nanoTime();
      List<PreparedStatement> byColumn = new ArrayList<>();
      conn.setAutoCommit(false);
      try {
        for (int c = 0; c < COLUMNS; c++) {
          byColumn.add(conn.prepareStatement("UPDATE doc SET c" + c + " = ? WHERE id = ?"));
        }
        for (long i = done; i < Math.min(total, done + PER_TX); i++) {
          int c = random.nextInt(COLUMNS);
          PreparedStatement ps = byColumn.get(c);
          bind(ps, 1, c);
          ps.setInt(2, live.get(random.nextInt(live.size())));
          ps.executeUpdate();
          updates++;
        }
        conn.commit();
      } finally {
        for (PreparedStatement ps : byColumn) {
          ps.close();
        }
        conn.setAutoCommit(true);
      }
      writeNanos += System.nanoTime() - t0;
      maybeSyncPair();
    }
    int deletes = live.size() * 3 / 10;
    java.util.Collections.shuffle(live, random);
    for (int from = 0; from < deletes; from += PER_TX) {
      List<Integer> ids = live.subList(from, Math.min(deletes, from + PER_TX));
      write("DELETE FROM doc WHERE id = ?", ids, false);
      ids.forEach(alive::clear);
      maybeSyncPair();
    }
    List<Integer> dead = new ArrayList<>();
    for (int id = alive.nextClearBit(1); id <= rows; id = alive.nextClearBit(id + 1)) {
      dead.add(id);
    }
    java.util.Collections.shuffle(dead, random);
    int back = Math.min(dead.size(), rows / 5);
    for (int from = 0; from < back; from += PER_TX) {
      List<Integer> ids = dead.subList(from, Math.min(back, from + PER_TX));
      write(INSERT, ids, true);
      ids.forEach(alive::set);
      maybeSyncPair();
    }
  }

  /**
   * Deletes or re-inserts {@code ids} on one random replica, first syncing it with every other so
   * that it holds the rows' latest lives (a key re-inserted on a replica that still holds the row
   * would fail; one deleted there twice would log nothing).
   */
  private void write(String sql, List<Integer> ids, boolean insert) throws SQLException {
    int at = random.nextInt(replicas.size());
    Connection conn = replicas.get(at);
    for (int i = 0; i < replicas.size(); i++) {
      if (i != at) {
        sync(at, i);
      }
    }
    conn.setAutoCommit(false);
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int id : ids) {
        if (insert) {
          bindRow(ps, id);
        } else {
          ps.setInt(1, id);
        }
        ps.addBatch();
      }
      ps.executeBatch();
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
  }

  private void maybeSyncPair() throws SQLException {
    if (random.nextInt(10) == 0) {
      int a = random.nextInt(replicas.size());
      int b = random.nextInt(replicas.size() - 1);
      sync(a, b >= a ? b + 1 : b);
    }
  }

  private void sync(int a, int b) throws SQLException {
    long t0 = System.nanoTime();
    chora(a).syncWith(chora(b));
    syncNanos += System.nanoTime() - t0;
    syncs++;
  }

  private ChoraConnection chora(int i) throws SQLException {
    return replicas.get(i).unwrap(ChoraConnection.class);
  }

  /** Rounds of pairwise syncs until every replica holds the same clock. */
  private void syncAll() throws SQLException {
    for (int round = 0; round < 3; round++) {
      for (int i = 1; i < replicas.size(); i++) {
        sync(0, i);
      }
    }
    for (int i = 1; i < replicas.size(); i++) {
      if (!chora(0).clock().equals(chora(i).clock())) {
        throw new IllegalStateException("replicas did not converge: r" + i);
      }
      if (!checksum(replicas.get(0)).equals(checksum(replicas.get(i)))) {
        throw new IllegalStateException("rows differ at equal clocks: r" + i);
      }
    }
  }

  private static String checksum(Connection conn) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT count(*), sum(id)");
    for (int c = 0; c < COLUMNS; c++) {
      sql.append(", total(length(c")
          .append(c)
          .append(")), total(hex(c")
          .append(c)
          .append(") > 'A')");
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql + " FROM doc")) {
      rs.next();
      StringBuilder out = new StringBuilder();
      for (int i = 1; i <= 2 + 2 * COLUMNS; i++) {
        out.append(rs.getString(i)).append('/');
      }
      return out.toString();
    }
  }

  /** Bytes per table of each replica, from a vacuumed copy. */
  private void measure(Path dir, int unit) throws SQLException {
    System.out.printf(
        Locale.ROOT,
        "%nafter %d unit(s) of churn (%,d live rows of %,d keys), load %s%n",
        unit,
        alive.cardinality(),
        rows,
        uptime());
    for (int i = 0; i < replicas.size(); i++) {
      Path copy = dir.resolve("measure-r" + i + ".db");
      try (Statement st = replicas.get(i).createStatement()) {
        st.execute("VACUUM INTO '" + copy + "'");
      }
      report("r" + i, tableBytes(copy), copy);
      try {
        Files.deleteIfExists(copy);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    long removed = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < replicas.size(); i++) {
      removed += chora(i).compact();
    }
    System.out.printf(
        Locale.ROOT,
        "  compact() on every replica: %,d rows removed in %.1f s%n",
        removed,
        (System.nanoTime() - t0) / 1e9);
    for (int i = 0; i < replicas.size(); i++) {
      Path copy = dir.resolve("measure-r" + i + ".db");
      try (Statement st = replicas.get(i).createStatement()) {
        st.execute("VACUUM INTO '" + copy + "'");
      }
      report("r" + i + " compacted", tableBytes(copy), copy);
      try {
        Files.deleteIfExists(copy);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Bytes of each table with its indexes, and of each index alone (as "table / index"). */
  private static Map<String, Long> tableBytes(Path file) throws SQLException {
    Map<String, Long> bytes = new TreeMap<>();
    try (Connection conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT s.tbl_name, s.name, s.type, sum(d.pgsize) FROM dbstat d JOIN sqlite_schema"
                    + " s ON s.name = d.name GROUP BY s.name")) {
      while (rs.next()) {
        String table = rs.getString(1);
        bytes.merge(table, rs.getLong(4), Long::sum);
        if ("index".equals(rs.getString(3))) {
          bytes.put(table + " / " + rs.getString(2), rs.getLong(4));
        }
      }
    }
    return bytes;
  }

  private static void report(String name, Map<String, Long> bytes, Path file) {
    long user = 0;
    long chora = 0;
    Map<String, Long> ours = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : bytes.entrySet()) {
      String table = e.getKey();
      boolean index = table.contains(" / ");
      if (table.startsWith("chora_")) {
        ours.put(table, e.getValue());
        chora += index ? 0 : e.getValue();
      } else if (!table.startsWith("sqlite_") && !index) {
        user += e.getValue();
      }
    }
    long fileSize;
    try {
      fileSize = Files.size(file);
    } catch (java.io.IOException e) {
      fileSize = -1;
    }
    System.out.printf(
        Locale.ROOT,
        "  %s: user tables %,d B, chora's %,d B = %.2f× the user data (file %,d B)%n",
        name,
        user,
        chora,
        chora / (double) user,
        fileSize);
    if (!name.startsWith("r0")) {
      return; // the replicas hold the same history: one breakdown is enough
    }
    for (Map.Entry<String, Long> e : ours.entrySet()) {
      if (e.getValue() > 4096 || e.getKey().contains(" / ")) {
        System.out.printf(
            Locale.ROOT,
            "    %-40s %,14d B %6.2f×%n",
            e.getKey(),
            e.getValue(),
            e.getValue() / (double) user);
      }
    }
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
