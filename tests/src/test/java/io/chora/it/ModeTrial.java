package io.chora.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.SyncResult;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One try of {@link BothModesConvergenceTest}: the replicas of one seed in one {@link SyncMode},
 * their workloads ({@link ModeWorkload}) and a faulty network between them, then the end checks.
 */
final class ModeTrial implements AutoCloseable {
  static final String[] SCHEMA = {
    "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, name TEXT, qty INTEGER)",
    "CREATE TABLE tag(item INTEGER NOT NULL, label TEXT NOT NULL, weight REAL,"
        + " PRIMARY KEY (item, label))"
  };
  static final String[] DUMP = {
    "SELECT 'item', quote(id), quote(name), quote(qty) FROM item ORDER BY id",
    "SELECT 'tag', quote(item), quote(label), quote(weight) FROM tag ORDER BY item, label"
  };

  /** A change set on its way from one replica to another. */
  private record Message(int from, int to, ChangeSet set) {}

  final long seed;
  final int n;
  private final SyncMode mode;
  private final SplittableRandom rnd;
  private final ConvergenceTest.Stats stats;
  private final Connection[] db;
  private final ModeWorkload[] work;
  private final VectorClock[][] believed;
  private final List<Message> inFlight = new ArrayList<>();
  private final List<String> trace = new ArrayList<>();

  ModeTrial(SyncMode mode, long seed, Path folder, ConvergenceTest.Stats stats)
      throws SQLException {
    this.mode = mode;
    this.seed = seed;
    this.rnd = new SplittableRandom(seed);
    this.n = 3 + rnd.nextInt(3);
    this.stats = stats;
    this.db = new Connection[n];
    this.work = new ModeWorkload[n];
    this.believed = new VectorClock[n][n];
    stats.add("replicas", n);
    try {
      for (int i = 0; i < n; i++) {
        db[i] = mode.open(folder, "r" + i, "synchronous=OFF", "journal_mode=MEMORY");
        Db.exec(db[i], SCHEMA);
        work[i] = new ModeWorkload(db[i], "r" + i, rnd, stats, trace);
        Arrays.fill(believed[i], new VectorClock());
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  void run() throws SQLException {
    int rounds = 1 + rnd.nextInt(3);
    for (int round = 0; round < rounds; round++) {
      trace.add("-- round " + round);
      List<Integer> steps = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        for (int budget = 4 + rnd.nextInt(8); budget > 0; ) {
          int size = Math.min(budget, rnd.nextInt(10) < 3 ? 2 + rnd.nextInt(3) : 1);
          steps.add(r * 8 + size);
          budget -= size;
        }
      }
      for (int k = 2 + rnd.nextInt(n + 2); k > 0; k--) {
        steps.add(-1);
      }
      shuffle(steps);
      for (int step : steps) {
        if (step < 0) {
          network();
        } else {
          work[step / 8].unit(step % 8);
        }
      }
    }
    trace.add("-- settle");
    for (Message m : new ArrayList<>(inFlight)) {
      if (rnd.nextBoolean()) {
        deliver(m);
      }
    }
    converge();
  }

  // ---- the end ----------------------------------------------------------------------------

  /** Syncs every pair until the clocks agree, then compares rows and clocks. */
  private void converge() throws SQLException {
    for (int pass = 0; !sameClocks(); pass++) {
      assertThat(pass).as(ctx("passes over all pairs before the clocks agree")).isLessThan(4);
      for (int[] p : pairs()) {
        syncOnly(p[0], p[1]);
      }
      stats.add("final passes over all pairs");
    }
    List<String> rows0 = dump(0);
    for (int i = 1; i < n; i++) {
      assertThat(dump(i)).as(ctx("rows of r" + i + " vs r0")).containsExactlyElementsOf(rows0);
      assertThat(clock(i)).as(ctx("clock of r" + i + " vs r0")).isEqualTo(clock(0));
    }
    int[] p = pairs().get(0);
    assertThat(syncOnly(p[0], p[1]))
        .as(ctx("syncWith r" + p[0] + " <-> r" + p[1] + " once converged"))
        .isEqualTo(new SyncResult(0, 0));
    ChangeSet everything = chora(0).changesSince(new VectorClock());
    byte[] json = everything.toJson().getBytes(StandardCharsets.UTF_8);
    assertThat(chora(1).apply(new ByteArrayInputStream(json)).applied())
        .as(ctx("transactions applied by a re-sent full set, as JSON"))
        .isZero();
    assertThat(chora(1).apply(everything).applied()).as(ctx("a re-sent full set")).isZero();
    assertThat(dump(1)).as(ctx("rows of r1 after re-sent sets")).isEqualTo(rows0);
    assertThat(clock(1)).as(ctx("clock of r1 after re-sent sets")).isEqualTo(clock(0));
  }

  private boolean sameClocks() throws SQLException {
    for (int i = 1; i < n; i++) {
      if (!clock(i).equals(clock(0))) {
        return false;
      }
    }
    return true;
  }

  // ---- the network ------------------------------------------------------------------------

  private void network() throws SQLException {
    int kind = rnd.nextInt(10);
    if (kind >= 6 && !inFlight.isEmpty()) {
      Message m = inFlight.get(rnd.nextInt(inFlight.size()));
      if (kind == 9) {
        inFlight.remove(m);
        stats.add("lost");
        trace.add("lose r" + m.from() + " -> r" + m.to() + " " + dots(m.set()));
      } else {
        deliver(m);
      }
      return;
    }
    int a = rnd.nextInt(n);
    int b = (a + 1 + rnd.nextInt(n - 1)) % n;
    if (kind < 3) {
      SyncResult r = syncOnly(a, b);
      if (clock(a).equals(clock(b))) {
        assertThat(dump(b))
            .as(ctx("rows of r" + b + " vs r" + a + ", same clock after syncWith " + r))
            .containsExactlyElementsOf(dump(a));
      }
    } else {
      send(a, b);
    }
  }

  private SyncResult syncOnly(int a, int b) throws SQLException {
    SyncResult r = chora(a).syncWith(chora(b));
    stats.add("syncWith");
    trace.add("sync r" + a + " <-> r" + b + ": " + r);
    return r;
  }

  /** A delta for what {@code from} believes {@code to} holds, sometimes asking first. */
  private void send(int from, int to) throws SQLException {
    VectorClock assumed = rnd.nextInt(4) == 0 ? clock(to) : believed[from][to];
    ChangeSet set = chora(from).changesSince(assumed);
    believed[from][to] = assumed.merge(set.clock());
    inFlight.add(new Message(from, to, set));
    stats.add("sets sent");
    trace.add("send r" + from + " -> r" + to + " since " + assumed + ": " + dots(set));
  }

  private void deliver(Message m) throws SQLException {
    ChangeSet set = m.set();
    String what = "deliver r" + m.from() + " -> r" + m.to() + " " + dots(set);
    stats.add("deliveries");
    switch (rnd.nextInt(6)) {
      case 0, 1 -> {
        trace.add(what);
        apply(m.to(), set);
        if (rnd.nextInt(3) > 0) {
          inFlight.remove(m);
        }
      }
      case 2 -> {
        trace.add(what + " twice");
        stats.add("duplicated");
        if (apply(m.to(), set)) {
          assertThat(chora(m.to()).apply(set).applied())
              .as(ctx("transactions applied by a duplicate"))
              .isZero();
        }
        inFlight.remove(m);
      }
      case 3 -> {
        int k = set.transactions().isEmpty() ? 0 : rnd.nextInt(set.transactions().size());
        trace.add(what + " interrupted after " + k);
        stats.add("interrupted");
        unchangedUnlessCovering(
            m.to(), new ChangeSet(set.site(), set.clock(), set.transactions().subList(0, k)));
      }
      case 4 -> {
        trace.add(what + " as JSON");
        stats.add("via JSON");
        applyWire(m.to(), set.toJson().getBytes(StandardCharsets.UTF_8));
        inFlight.remove(m);
      }
      default -> truncated(m, what);
    }
  }

  /** Applies a set; one that starts past what the receiver holds is refused, and counted. */
  private boolean apply(int to, ChangeSet set) throws SQLException {
    try {
      record(set, chora(to).apply(set));
      return true;
    } catch (SQLException e) {
      return refusedAhead(e);
    }
  }

  private void applyWire(int to, byte[] json) throws SQLException {
    try {
      record(
          ChangeSet.fromJson(new String(json, StandardCharsets.UTF_8)),
          chora(to).apply(new ByteArrayInputStream(json)));
    } catch (SQLException e) {
      refusedAhead(e);
    }
  }

  private void record(ChangeSet set, ApplyResult r) {
    assertThat(r.applied() + r.skipped())
        .as(ctx("applied + skipped of a set of " + set.transactions().size()))
        .isEqualTo(set.transactions().size());
    stats.add("applied transactions", r.applied());
    trace.add("  applied " + r.applied() + ", skipped " + r.skipped());
  }

  private boolean refusedAhead(SQLException e) throws SQLException {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains(mode.aheadRefusal())
        || msg.contains("more than is known")
        || msg.contains("stops short")) {
      stats.add("refused: ahead or cut short");
      trace.add("  refused: " + msg);
      return false;
    }
    throw e;
  }

  /** A prefix of a set: refused whole, or accepted only if the receiver ends up covering it. */
  private void unchangedUnlessCovering(int to, ChangeSet prefix) throws SQLException {
    VectorClock before = clock(to);
    List<String> rows = dump(to);
    if (apply(to, prefix)) {
      assertThat(prefix.clock().isCoveredBy(clock(to)))
          .as(ctx("an accepted prefix leaves the receiver covering the sender's clock"))
          .isTrue();
      return;
    }
    assertThat(clock(to)).as(ctx("clock after a refused prefix")).isEqualTo(before);
    assertThat(dump(to)).as(ctx("rows after a refused prefix")).isEqualTo(rows);
  }

  /** Wire bytes cut short: refused whole, changing nothing. */
  private void truncated(Message m, String what) throws SQLException {
    byte[] json = m.set().toJson().getBytes(StandardCharsets.UTF_8);
    int cut = rnd.nextInt(Math.max(1, json.length - 1));
    trace.add(what + " cut at byte " + cut + " of " + json.length);
    VectorClock before = clock(m.to());
    List<String> rows = dump(m.to());
    try {
      chora(m.to()).apply(new ByteArrayInputStream(Arrays.copyOf(json, cut)));
      fail(ctx("a change set cut at byte " + cut + " of " + json.length + " was accepted"));
    } catch (SQLException expected) {
      stats.add("truncated and refused");
    }
    assertThat(clock(m.to())).as(ctx("clock after a refused set")).isEqualTo(before);
    assertThat(dump(m.to())).as(ctx("rows after a refused set")).isEqualTo(rows);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static String dots(ChangeSet set) {
    return set.transactions().stream()
        .map(Transaction::dot)
        .map(d -> d.site().substring(0, Math.min(6, d.site().length())) + ":" + d.seq())
        .collect(Collectors.joining(" ", "[", "]"));
  }

  /** Every pair of replicas once, in random order and direction. */
  private List<int[]> pairs() {
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        pairs.add(rnd.nextBoolean() ? new int[] {i, j} : new int[] {j, i});
      }
    }
    shuffle(pairs);
    return pairs;
  }

  private <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      list.set(i, list.set(j, list.get(i)));
    }
  }

  String ctx(String what) {
    return mode + " seed " + seed + " (" + n + " replicas): " + what;
  }

  /** The failure with every replica's clock and rows and the operations that led there. */
  String report(Throwable t) {
    StringBuilder sb = new StringBuilder(ctx(String.valueOf(t)));
    sb.append("\nreplay: -Dchora.modes.seed=").append(seed).append("\nrows:");
    for (int i = 0; i < n; i++) {
      try {
        sb.append("\nr").append(i).append(' ').append(clock(i)).append(": ").append(dump(i));
      } catch (SQLException e) {
        sb.append("\nr").append(i).append(" (could not dump: ").append(e).append(')');
      }
    }
    return sb.append("\noperations:\n").append(String.join("\n", trace)).toString();
  }

  private List<String> dump(int r) throws SQLException {
    List<String> rows = new ArrayList<>();
    for (String sql : DUMP) {
      rows.addAll(Db.rows(db[r], sql));
    }
    return rows;
  }

  private ChoraConnection chora(int r) throws SQLException {
    return SyncMode.chora(db[r]);
  }

  private VectorClock clock(int r) throws SQLException {
    return chora(r).clock();
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (Connection c : db) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
