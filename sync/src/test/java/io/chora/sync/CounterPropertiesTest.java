package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three replicas increment and reset one counting cell at random and sync in random directions,
 * with repeats, relays and partial deliveries; at the end every replica holds the same value, and a
 * reference model agrees: it tracks what each write had seen as plain sets of writes (no vector
 * clocks) and sums by definition. Without resets the value is the exact sum of all increments.
 * Seed: {@code -Dcounter.seed=…}, tries: {@code -Dcounter.tries=…}.
 */
class CounterPropertiesTest {
  private static final List<String> SITES = List.of("a", "b", "c");

  /** One replica: its counter, its clock, its HLC, and (for the model) the writes it holds. */
  private static final class Replica {
    final String site;
    Counter counter = new Counter();
    VectorClock clock = new VectorClock();
    long hlc;
    final Set<Dot> held = new HashSet<>();

    Replica(String site) {
      this.site = site;
    }
  }

  /** The model's view of one write: its dot, stamp, kind, amount, and the writes it had seen. */
  private record Made(Stamp stamp, boolean reset, long amount, Set<Dot> seen) {}

  @Test
  void threeReplicasConvergeOnTheExactCount() {
    long seed = Long.getLong("counter.seed", System.nanoTime());
    int tries = Integer.getInteger("counter.tries", 300);
    System.out.println("CounterPropertiesTest seed " + seed + " (-Dcounter.seed=" + seed + ")");
    Random random = new Random(seed);
    for (int t = 0; t < tries; t++) {
      oneTry(new Random(random.nextLong()), t % 3 == 0, "seed " + seed + " try " + t);
    }
  }

  private void oneTry(Random random, boolean withoutResets, String what) {
    List<Replica> replicas = new ArrayList<>();
    SITES.forEach(s -> replicas.add(new Replica(s)));
    Map<Dot, Made> made = new HashMap<>();
    long sum = 0;
    int steps = 5 + random.nextInt(40);
    for (int i = 0; i < steps; i++) {
      Replica r = replicas.get(random.nextInt(replicas.size()));
      int what2 = random.nextInt(10);
      if (what2 < 4) {
        sync(r, replicas.get(random.nextInt(replicas.size())), made, random, false);
        continue;
      }
      boolean reset = !withoutResets && what2 == 9;
      long amount = reset ? random.nextInt(100) : random.nextInt(11) - 3;
      Dot dot = new Dot(r.site, r.clock.get(r.site) + 1);
      r.hlc++;
      Stamp stamp = new Stamp(dot, r.hlc);
      Counter.Write w =
          reset
              ? Counter.Write.reset(stamp, r.clock, amount)
              : Counter.Write.increment(stamp, r.clock, amount);
      made.put(dot, new Made(stamp, reset, amount, new HashSet<>(r.held)));
      r.counter = r.counter.with(w);
      r.clock = r.clock.with(r.site, dot.seq());
      r.held.add(dot);
      sum += reset ? 0 : amount;
    }
    for (int round = 0; round < 2; round++) { // whole syncs: everything everywhere
      for (Replica from : replicas) {
        for (Replica to : replicas) {
          sync(from, to, made, random, true);
        }
      }
    }
    long expected = reference(made);
    for (Replica r : replicas) {
      assertThat(r.counter.value()).as("%s: %s", what, r.site).isEqualTo(expected);
      assertThat(r.counter).as(what).isEqualTo(replicas.get(0).counter);
    }
    if (withoutResets) {
      assertThat(expected).as(what).isEqualTo(sum);
    }
  }

  /**
   * Delivers to {@code to} what {@code from} holds and it lacks, in causal order (each write once
   * its site's previous write and its dependencies are there), sometimes cut short (a partial
   * delivery), sometimes with repeats.
   */
  private static void sync(
      Replica from, Replica to, Map<Dot, Made> made, Random random, boolean whole) {
    int budget = !whole && random.nextInt(4) == 0 ? random.nextInt(5) : Integer.MAX_VALUE;
    boolean moved = true;
    while (moved && budget > 0) {
      moved = false;
      for (String site : SITES) {
        Counter.Write w = from.counter.writes().get(new Dot(site, to.clock.get(site) + 1));
        if (w == null || !w.deps().isCoveredBy(to.clock) || budget == 0) {
          continue;
        }
        to.counter = to.counter.with(w);
        if (random.nextInt(5) == 0) {
          to.counter = to.counter.with(w); // a repeat changes nothing
        }
        Dot dot = w.stamp().dot();
        to.held.add(dot);
        to.clock = to.clock.with(site, dot.seq());
        to.hlc = Math.max(to.hlc, w.stamp().hlc());
        assertThat(made).containsKey(dot);
        budget--;
        moved = true;
      }
    }
  }

  /** By definition: the last reset by stamp, plus the increments its writer had not seen. */
  private static long reference(Map<Dot, Made> made) {
    Made base = null;
    for (Made m : made.values()) {
      if (m.reset() && (base == null || m.stamp().compareTo(base.stamp()) > 0)) {
        base = m;
      }
    }
    long value = base == null ? 0 : base.amount();
    for (Map.Entry<Dot, Made> e : made.entrySet()) {
      if (!e.getValue().reset() && (base == null || !base.seen().contains(e.getKey()))) {
        value += e.getValue().amount();
      }
    }
    return value;
  }
}
