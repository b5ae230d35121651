package io.chora.it.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.SyncMode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One try: the 3 to 5 {@link Replicas} of one seed in one {@link SyncMode}, their {@link Workload
 * workloads} with the trial's {@link Feature features}, the {@link Network} between them, and the
 * {@link EndChecks}. Every random choice comes from the seed, in order; what the trial did is in
 * its trace, printed with a failure.
 */
final class Trial implements AutoCloseable {
  final SyncMode mode;
  final Set<Feature> features;
  final long seed;
  final SplittableRandom rnd;
  final int n;
  final Stats stats;

  /**
   * An in-memory database with the tables {@code item} and {@code tag}, for {@link Model#dump};
   * null without {@link Feature#HLC_MERGE_RULE}.
   */
  final Connection modelDb;

  private final List<String> trace = new ArrayList<>();

  final Replicas replicas;
  final Workload workload;
  final Network network;
  final Recorder recorder;

  /**
   * Opens the replicas in {@code folder}, some from a copy of {@code template} (a plain SQLite file
   * with the tables).
   */
  Trial(
      SyncMode mode,
      Set<Feature> features,
      long seed,
      Path folder,
      Path template,
      Stats stats,
      Connection modelDb)
      throws SQLException, IOException {
    this.mode = mode;
    this.features = features;
    this.seed = seed;
    this.rnd = new SplittableRandom(seed);
    this.n = 3 + rnd.nextInt(3);
    this.stats = stats;
    this.modelDb = modelDb;
    stats.add("replicas", n);
    this.replicas = new Replicas(this, folder, template);
    this.workload = new Workload(features, rnd, stats, trace::add, replicas.connections());
    this.network = new Network(this);
    this.recorder = new Recorder(this);
  }

  /**
   * With foreign keys, parents 1 and 2 first reach every replica; then 1 to 3 rounds in which each
   * replica does 5 to 12 writes in units of work, shuffled with network steps; then about half the
   * sets still in flight are delivered and the replicas must converge. With {@link
   * Feature#SCHEMA_STEPS} each replica {@link #migrate migrates} in a random round, among its units
   * of work, or after the last delivery, before the end.
   */
  void run() throws SQLException {
    if (features.contains(Feature.FOREIGN_KEYS)) {
      workload.parents();
      for (int i = 1; i < n; i++) {
        network.sync(0, i);
      }
    }
    int rounds = 1 + rnd.nextInt(3);
    boolean migrations = features.contains(Feature.SCHEMA_STEPS);
    int[] migrateIn = new int[n]; // the round of each replica's migration; rounds: at the end
    for (int r = 0; r < n && migrations; r++) {
      migrateIn[r] = rnd.nextInt(rounds + 1);
    }
    for (int round = 0; round < rounds; round++) {
      trace("-- round " + round);
      List<Integer> steps = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        if (migrations && migrateIn[r] == round) {
          steps.add(r * 8); // size 0: the migration
        }
        for (int budget = 5 + rnd.nextInt(8); budget > 0; ) { // 5-12 writes
          int size = Math.min(budget, rnd.nextInt(10) < 3 ? 2 + rnd.nextInt(3) : 1);
          steps.add(r * 8 + size);
          budget -= size;
        }
      }
      for (int k = 2 + rnd.nextInt(n + 2); k > 0; k--) { // 2 to n+3 network steps
        steps.add(-1);
      }
      for (int k = features.contains(Feature.COMPACTION) ? rnd.nextInt(3) : 0; k > 0; k--) {
        steps.add(-2); // a random replica compacts
      }
      shuffle(steps);
      for (int step : steps) {
        if (step == -2) {
          compact(rnd.nextInt(n));
        } else if (step < 0) {
          network.step();
          recorder.forgetClocks();
        } else if (step % 8 == 0) {
          migrate(step / 8);
        } else {
          unit(step / 8, step % 8);
        }
      }
    }
    trace("-- settle");
    network.settle();
    recorder.forgetClocks();
    for (int r = 0; r < n && migrations; r++) {
      if (!workload.migrated(r)) {
        migrate(r);
      }
    }
    if (features.contains(Feature.COMPACTION) && rnd.nextBoolean()) {
      compact(rnd.nextInt(n)); // a compacted replica must still bring the others level
    }
    new EndChecks(this).converge();
  }

  /** Replica {@code r} removes what it holds superseded ({@code ChoraConnection.compact}). */
  private void compact(int r) throws SQLException {
    long removed = replicas.chora(r).compact();
    trace("-- r" + r + " compacts: " + removed + " rows removed");
    stats.add("rows removed by compaction", removed);
  }

  private void unit(int r, int size) throws SQLException {
    if (features.contains(Feature.HLC_MERGE_RULE)) {
      recorder.unit(r, size);
    } else {
      workload.work(r, size);
    }
  }

  /** Replica {@code r}'s migration to v2: all it held aside must move into its tables. */
  private void migrate(int r) throws SQLException {
    Map<String, Long> aside = replicas.chora(r).heldAside();
    trace("-- r" + r + " migrates, holding aside " + aside);
    stats.add(
        "held aside at a migration", aside.values().stream().mapToLong(Long::longValue).sum());
    unit(r, 0);
    assertThat(replicas.chora(r).heldAside())
        .as(ctx("what r" + r + " holds aside after its migration"))
        .isEmpty();
  }

  /** Every pair of replicas once, in random order and direction. */
  List<int[]> pairs() {
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        pairs.add(rnd.nextBoolean() ? new int[] {i, j} : new int[] {j, i});
      }
    }
    shuffle(pairs);
    return pairs;
  }

  <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      list.set(i, list.set(j, list.get(i)));
    }
  }

  void trace(String what) {
    trace.add(what);
  }

  /** Replaces the last line of the trace (with what came of it). */
  void retrace(String what) {
    trace.set(trace.size() - 1, what);
  }

  /** A check's description, naming the try: {@code MODE seed S (N replicas): what}. */
  String ctx(String what) {
    return mode + " seed " + seed + " (" + n + " replicas): " + what;
  }

  /**
   * The failure with where in chora it happened (unless a check failed), how to replay it, every
   * replica's clock and rows, and the operations that led there.
   */
  String report(Throwable t, String replayProperty) {
    String where =
        t instanceof AssertionError
            ? ""
            : Arrays.stream(t.getStackTrace())
                .filter(f -> f.getClassName().startsWith("io.chora."))
                .limit(20)
                .map(f -> "\n    at " + f)
                .collect(Collectors.joining());
    return ctx(String.valueOf(t))
        + where
        + "\nreplay: -D"
        + replayProperty
        + "="
        + seed
        + "\nrows:"
        + replicas.describe()
        + "\noperations:\n"
        + String.join("\n", trace);
  }

  @Override
  public void close() throws SQLException {
    replicas.close();
  }
}
