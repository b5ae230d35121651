package io.chora.it.conformance;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite's thread scenarios ({@link ThreadScenarios}) run again, round after round,
 * each round under a seed of its own, on both drivers: one interleaving per run proves little.
 * Every round prints its seed; {@code -Dchora.threads.seed=...} replays one in the suite, {@code
 * -Dchora.threads.rounds=...} (default 3) sets how many rounds run, {@code
 * -Dchora.threads.base=...} the first round's seed, {@code -Dchora.conformance=threads/8} which
 * scenarios run (a prefix of their ids).
 */
class ThreadRoundsTest {
  @TempDir Path dir;

  @Test
  void threadScenariosObserveTheSameOnBothDriversUnderManySeeds() throws Exception {
    int rounds = Integer.getInteger("chora.threads.rounds", 3);
    long base = Long.getLong("chora.threads.base", System.nanoTime());
    String only = System.getProperty("chora.conformance", "");
    for (int round = 0; round < rounds; round++) {
      long seed = base + round;
      System.out.println("ThreadRoundsTest round " + round + " seed " + seed);
      List<Scenario> scenarios = ThreadScenarios.seeded(seed);
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        if (!s.id().startsWith(only)) {
          continue;
        }
        try {
          Conformance.check(s, dir.resolve("r" + round + "-" + i));
        } catch (AssertionError e) {
          throw new AssertionError(
              s.id() + ", round " + round + ": replay with -Dchora.threads.seed=" + seed, e);
        }
      }
    }
  }
}
