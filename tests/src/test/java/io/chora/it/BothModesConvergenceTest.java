package io.chora.it;

import static org.assertj.core.api.Assertions.fail;

import io.chora.jdbc.testing.SyncMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The convergence contract both modes keep, over the writes both support (cr-sqlite allows no
 * UNIQUE besides the key and no foreign keys; java mode's rules for those are in {@link
 * ConvergenceTest}): 3 to 5 replicas write at random ({@link ModeWorkload}) and exchange changes
 * over a faulty network ({@link ModeTrial}): {@code syncWith} between random pairs, and sets made
 * with {@code changesSince} for what the sender believes the receiver holds, delivered late and out
 * of order (a set that starts past what the receiver holds is refused, and counted), twice (the
 * second applies nothing), cut short (refused whole unless harmless), as JSON, truncated on the
 * wire (refused, nothing changes) or lost. Then every pair syncs until the clocks agree: rows and
 * clocks must be equal, a last {@code syncWith} moves nothing, and a full set sent again (objects
 * and JSON) applies nothing.
 *
 * <p>Each try takes a seed; failures print every failing seed and the first one's rows and
 * operations. Tries per mode: {@code -Dchora.modes.tries=N} (default {@value #TRIES}); first seed:
 * {@code -Dchora.modes.base=N}; replay one: {@code -Dchora.modes.seed=N}, e.g. {@code ./mvnw -pl
 * tests -am test -Dtest='BothModesConvergenceTest' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dchora.modes.seed=17}.
 */
class BothModesConvergenceTest {
  private static final int TRIES = 40;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void randomWorkloadsConverge(SyncMode mode) throws IOException {
    Long replay = Long.getLong("chora.modes.seed");
    long base = replay != null ? replay : Long.getLong("chora.modes.base", 1L);
    int tries = replay != null ? 1 : Integer.getInteger("chora.modes.tries", TRIES);
    ConvergenceTest.Stats stats = new ConvergenceTest.Stats();
    List<String> failed = new ArrayList<>();
    String first = null;
    long start = System.nanoTime();
    for (int i = 0; i < tries; i++) {
      long seed = base + i;
      Path folder = Files.createDirectories(dir.resolve(mode + "-" + i));
      try (ModeTrial trial = new ModeTrial(mode, seed, folder, stats)) {
        try {
          trial.run();
        } catch (Throwable t) {
          failed.add(seed + " (" + trial.n + " replicas)");
          first = first != null ? first : trial.report(t);
        }
      } catch (SQLException e) {
        failed.add(seed + " (could not open or close the replicas: " + e + ")");
      } finally {
        deleteTree(folder);
      }
      stats.add("tries");
    }
    System.out.printf(
        "chora convergence (%s): %d tries from seed %d in %d ms, %d failed: %s%n",
        mode, tries, base, (System.nanoTime() - start) / 1_000_000, failed.size(), stats);
    if (!failed.isEmpty()) {
      fail(
          failed.size()
              + " of "
              + tries
              + " tries failed in "
              + mode
              + " mode, seeds "
              + failed.subList(0, Math.min(failed.size(), 20))
              + "\nreplay one with -Dchora.modes.seed=<seed>\nfirst failure: "
              + first);
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
