package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A connection's clock kept over the workspace's shared one says exactly what a plain map of its
 * own would, whatever the shared clock is doing, and keeps few entries of its own once caught up.
 */
class HeldClockTest {
  private static final long SEED = Long.getLong("chora.heldClock.seed", 20261205L);

  @Test
  void answersAsAPlainMapWouldWhateverTheSharedClock() {
    for (int round = 0; round < 200; round++) {
      long seed = SEED + round;
      Random random = new Random(seed);
      int sites = 1 + random.nextInt(400);
      Map<String, Long> workspace = new HashMap<>();
      AtomicReference<Map<String, Long>> shared = new AtomicReference<>(Map.of());
      HeldClock held = new HeldClock(shared::get);
      Map<String, Long> reference = new HashMap<>();
      for (int step = 0; step < 2_000; step++) {
        String origin = "s" + random.nextInt(sites);
        long last = 1 + random.nextInt(50);
        switch (random.nextInt(10)) {
          case 0 -> { // the workspace moves on and shares its clock
            workspace.merge(origin, last + random.nextInt(20), Math::max);
            shared.set(Map.copyOf(workspace));
          }
          case 1 -> { // a hello or a snapshot
            Map<String, Long> clock = new HashMap<>();
            for (int i = random.nextInt(sites); i > 0; i--) {
              clock.merge("s" + random.nextInt(sites), 1L + random.nextInt(60), Math::max);
            }
            held.raiseAll(clock);
            clock.forEach((o, l) -> reference.merge(o, l, Math::max));
          }
          default -> {
            boolean isNew = !reference.containsKey(origin);
            assertThat(held.raise(origin, last)).as("seed %d step %d", seed, step).isEqualTo(isNew);
            reference.merge(origin, last, Math::max);
          }
        }
        String probe = "s" + random.nextInt(sites + 5);
        long want = 1 + random.nextInt(60);
        assertThat(held.holds(probe, want))
            .as("seed %d step %d: %s up to %d", seed, step, probe, want)
            .isEqualTo(reference.getOrDefault(probe, 0L) >= want);
        assertThat(held.get(probe)).isEqualTo(reference.getOrDefault(probe, 0L));
      }
      assertThat(held.toMap()).as("seed %d", seed).isEqualTo(reference);
    }
  }

  @Test
  void aClientCaughtUpWithAWorkspaceOfTenThousandSitesKeepsFewEntriesOfItsOwn() {
    Map<String, Long> workspace = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      workspace.put("site-" + i, 1_000L + i);
    }
    AtomicReference<Map<String, Long>> shared = new AtomicReference<>(Map.copyOf(workspace));
    HeldClock fresh = new HeldClock(shared::get);
    fresh.raiseAll(new HashMap<>(workspace)); // a snapshot, or a hello of an up-to-date replica
    assertThat(fresh.ownEntries()).isZero();
    for (int i = 0; i < 5_000; i++) { // live: relayed envelopes, the workspace moving on with them
      String origin = "site-" + (i * 7 % 10_000);
      workspace.merge(origin, 1L, Long::sum);
      fresh.raise(origin, workspace.get(origin));
      if (i % 500 == 0) {
        shared.set(Map.copyOf(workspace));
      }
    }
    assertThat(fresh.toMap()).isEqualTo(workspace);
    assertThat(fresh.ownEntries()).isLessThanOrEqualTo(10_000 / 8 + 1);
  }
}
