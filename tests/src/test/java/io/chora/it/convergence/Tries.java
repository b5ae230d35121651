package io.chora.it.convergence;

import static org.assertj.core.api.Assertions.fail;

import io.chora.jdbc.shared.Nonces;
import io.chora.jdbc.shared.WallClock;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs {@link Trial tries} of one mode and feature set, one per seed, and fails naming every
 * failing seed (with its replica count), the failures grouped by kind, and the first one's rows and
 * operations. Which seeds run comes from system properties under a prefix {@code P}: {@code
 * -DP.tries=N} tries (else the test's default) from seed {@code -DP.base=N} (default 1), or {@code
 * -DP.seed=N} to replay one. {@link Feature#SCHEMA_STEPS} runs in the tries whose seed {@code
 * -DP.schemaEvery=N} divides (default {@value #SCHEMA_EVERY}: one in 4), the others leave it out
 * and run as they did before it existed.
 *
 * <p>Each try runs on its own {@link SteppingClock}, installed before the trial opens its replicas
 * (which all open in {@link Replicas#open}): HLCs, and with them which of two concurrent writes
 * wins, depend on the seed alone, so a replay repeats the try bit for bit ({@link #keep}).
 */
public final class Tries {
  private static final int SCHEMA_EVERY = 4;

  private final SyncMode mode;
  private final Set<Feature> features;
  private final String property;
  private final Path dir;
  private final int schemaEvery;
  private final Stats stats = new Stats();
  private final List<String> failed = new ArrayList<>();
  private final Map<String, Integer> kinds = new LinkedHashMap<>();
  private final Map<String, Long> firstSeed = new LinkedHashMap<>();

  /** The report of the first failing try. */
  private String first;

  /**
   * Tries in {@code mode} with {@code features} (which {@code mode} must support), in temp folder
   * {@code dir}, seeds chosen by the properties under {@code property}.
   */
  public Tries(SyncMode mode, Set<Feature> features, String property, Path dir) {
    if (!Feature.of(mode).containsAll(features)) {
      throw new IllegalArgumentException(mode + " does not support all of " + features);
    }
    this.mode = mode;
    this.features = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
    this.property = property;
    this.dir = dir;
    this.schemaEvery = Integer.getInteger(property + ".schemaEvery", SCHEMA_EVERY);
  }

  /** Runs the tries the properties ask for, {@code defaultTries} if they name no number. */
  public void run(int defaultTries) throws IOException, SQLException {
    Long replay = Long.getLong(property + ".seed");
    long base = replay != null ? replay : Long.getLong(property + ".base", 1L);
    int tries = replay != null ? 1 : Integer.getInteger(property + ".tries", defaultTries);
    Path template = dir.resolve("template.db");
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + template)) {
      Db.exec(plain, Schema.create(features));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long cpu = threads.getCurrentThreadCpuTime();
    try (Connection modelDb =
        features.contains(Feature.HLC_MERGE_RULE)
            ? DriverManager.getConnection("jdbc:sqlite::memory:")
            : null) {
      if (modelDb != null) {
        Db.exec(modelDb, Schema.modelTables()); // where the model's rows are rendered
      }
      for (int i = 0; i < tries; i++) {
        Path folder = Files.createDirectories(dir.resolve(mode + "-" + i));
        try {
          one(base + i, folder, template, modelDb);
        } finally {
          deleteTree(folder);
        }
        stats.add("tries");
        if ((i + 1) % 5000 == 0) { // long runs show how far they are
          System.out.printf(
              "chora convergence (%s): %d of %d tries done, %d failed%n",
              mode, i + 1, tries, failed.size());
        }
      }
    }
    System.out.printf(
        "chora convergence (%s, features %s): %d tries from seed %d in %d ms (%d ms CPU), %d failed: %s%n",
        mode,
        features,
        tries,
        base,
        (System.nanoTime() - start) / 1_000_000,
        (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000,
        failed.size(),
        stats);
    if (features.contains(Feature.COUNTERS)
        && features.contains(Feature.HLC_MERGE_RULE)
        && tries >= 50
        && stats.get("increments recorded") == 0) {
      fail("no try recorded an increment of item.qty: counting columns are not captured");
    }
    if (!failed.isEmpty()) {
      fail(
          failed.size()
              + " of "
              + tries
              + " tries failed in "
              + mode
              + " mode, seeds "
              + failed.subList(0, Math.min(failed.size(), 20))
              + (failed.size() > 20 ? " …" : "")
              + "\nby kind: "
              + kinds.entrySet().stream()
                  .map(
                      k ->
                          k.getValue()
                              + "× "
                              + k.getKey()
                              + " (seed "
                              + firstSeed.get(k.getKey())
                              + ")")
                  .collect(Collectors.joining("; "))
              + "\nreplay one with -D"
              + property
              + ".seed=<seed>\nfirst failure: "
              + first);
    }
  }

  /**
   * Runs the try of {@code seed} in {@code folder} and leaves its replica files there, closed, for
   * a caller to compare; fails as {@link #run} does.
   */
  public void keep(long seed, Path folder) throws IOException, SQLException {
    Path template = folder.resolve("template.db");
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + template)) {
      Db.exec(plain, Schema.create(features));
    }
    try (Connection modelDb =
        features.contains(Feature.HLC_MERGE_RULE)
            ? DriverManager.getConnection("jdbc:sqlite::memory:")
            : null) {
      if (modelDb != null) {
        Db.exec(modelDb, Schema.modelTables());
      }
      one(seed, folder, template, modelDb);
    }
    if (!failed.isEmpty()) {
      fail("seed " + seed + " failed: " + first);
    }
  }

  /** One try, in its own folder, on its own {@link SteppingClock}. */
  private void one(long seed, Path folder, Path template, Connection modelDb) {
    WallClock.use(new SteppingClock());
    java.util.Random nonces = new java.util.Random(seed); // nonces from the seed too
    Nonces.use(nonces::nextLong);
    Set<Feature> these = EnumSet.copyOf(features);
    boolean migrations = these.contains(Feature.SCHEMA_STEPS) && seed % schemaEvery == 0;
    if (!migrations) {
      these.remove(Feature.SCHEMA_STEPS);
    }
    try (Trial trial = new Trial(mode, these, seed, folder, template, stats, modelDb)) {
      try {
        trial.run();
      } catch (Throwable t) {
        failed.add(seed + " (" + trial.n + " replicas" + (migrations ? ", v1 to v2" : "") + ")");
        String kind = kind(t);
        kinds.merge(kind, 1, Integer::sum);
        firstSeed.putIfAbsent(kind, seed);
        String every =
            schemaEvery != SCHEMA_EVERY ? property + ".schemaEvery=" + schemaEvery + " -D" : "";
        first = first != null ? first : trial.report(t, every + property + ".seed");
      }
    } catch (SQLException | IOException e) {
      failed.add(seed + " (could not open or close the replicas: " + e + ")");
    } finally {
      WallClock.reset();
      Nonces.reset();
    }
  }

  /** What went wrong, without the seed and replica numbers, to group failures by. */
  private static String kind(Throwable t) {
    String message = String.valueOf(t.getMessage()).strip();
    int from = message.indexOf("replicas): ");
    int to = message.indexOf(']');
    String what =
        t instanceof AssertionError && from >= 0 && to > from
            ? message.substring(from + "replicas): ".length(), to)
            : t.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    return what.replaceAll("r\\d", "r#").replaceAll("\\d+", "#");
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
