package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Algebraic laws of {@link VectorClock}, checked exhaustively over every clock with three sites and
 * counters 0..2 (27 clocks, so 19,683 triples): equal, ordered and concurrent pairs all occur.
 */
class VectorClockPropertiesTest {
  private static final List<String> SITES = List.of("a", "b", "site-c");
  private static final List<VectorClock> CLOCKS = allClocks(2);

  private static List<VectorClock> allClocks(int maxCounter) {
    List<VectorClock> clocks = new ArrayList<>();
    for (int a = 0; a <= maxCounter; a++) {
      for (int b = 0; b <= maxCounter; b++) {
        for (int c = 0; c <= maxCounter; c++) {
          Map<String, Long> entries = new TreeMap<>();
          entries.put(SITES.get(0), (long) a);
          entries.put(SITES.get(1), (long) b);
          entries.put(SITES.get(2), (long) c);
          clocks.add(VectorClock.of(entries));
        }
      }
    }
    return clocks;
  }

  @Test
  void theDomainCoversEveryKindOfPair() {
    assertThat(CLOCKS).hasSize(27).doesNotHaveDuplicates();
    VectorClock x = CLOCKS.get(5);
    assertThat(CLOCKS).anyMatch(x::happenedBefore).anyMatch(x::isConcurrent);
  }

  @Test
  void mergeIsCommutativeIdempotentAndHasTheEmptyClockAsIdentity() {
    for (VectorClock x : CLOCKS) {
      assertThat(x.merge(x)).isEqualTo(x);
      assertThat(x.merge(new VectorClock())).isEqualTo(x);
      assertThat(new VectorClock().merge(x)).isEqualTo(x);
      for (VectorClock y : CLOCKS) {
        assertThat(x.merge(y)).as("%s merge %s", x, y).isEqualTo(y.merge(x));
      }
    }
  }

  @Test
  void mergeIsAssociative() {
    for (VectorClock x : CLOCKS) {
      for (VectorClock y : CLOCKS) {
        VectorClock xy = x.merge(y);
        for (VectorClock z : CLOCKS) {
          assertThat(xy.merge(z)).as("(%s %s) %s", x, y, z).isEqualTo(x.merge(y.merge(z)));
        }
      }
    }
  }

  @Test
  void mergeIsTheLeastUpperBound() {
    for (VectorClock x : CLOCKS) {
      for (VectorClock y : CLOCKS) {
        VectorClock m = x.merge(y);
        for (String site : SITES) {
          assertThat(m.get(site)).isEqualTo(Math.max(x.get(site), y.get(site)));
        }
        assertThat(x.isCoveredBy(m) && y.isCoveredBy(m)).isTrue();
        for (VectorClock z : CLOCKS) {
          if (x.isCoveredBy(z) && y.isCoveredBy(z)) {
            assertThat(m.isCoveredBy(z)).as("%s, %s below %s", x, y, z).isTrue();
          }
        }
      }
    }
  }

  @Test
  void happenedBeforeIsIrreflexiveAndAsymmetric() {
    for (VectorClock x : CLOCKS) {
      assertThat(x.happenedBefore(x)).isFalse();
      for (VectorClock y : CLOCKS) {
        if (x.happenedBefore(y)) {
          assertThat(y.happenedBefore(x)).as("%s < %s", x, y).isFalse();
        }
      }
    }
  }

  @Test
  void happenedBeforeIsTransitive() {
    int chains = 0;
    for (VectorClock x : CLOCKS) {
      for (VectorClock y : CLOCKS) {
        if (!x.happenedBefore(y)) {
          continue;
        }
        for (VectorClock z : CLOCKS) {
          if (y.happenedBefore(z)) {
            chains++;
            assertThat(x.happenedBefore(z)).as("%s < %s < %s", x, y, z).isTrue();
          }
        }
      }
    }
    assertThat(chains).isGreaterThan(500);
  }

  @Test
  void everyPairIsEqualOrderedOrConcurrentExactlyOnce() {
    for (VectorClock x : CLOCKS) {
      for (VectorClock y : CLOCKS) {
        int holds = 0;
        holds += x.equals(y) ? 1 : 0;
        holds += x.happenedBefore(y) ? 1 : 0;
        holds += y.happenedBefore(x) ? 1 : 0;
        holds += x.isConcurrent(y) ? 1 : 0;
        assertThat(holds).as("%s vs %s", x, y).isEqualTo(1);
        assertThat(x.isConcurrent(y)).isEqualTo(y.isConcurrent(x));
        assertThat(x.happenedBefore(y)).isEqualTo(x.isCoveredBy(y) && !y.isCoveredBy(x));
      }
    }
  }

  @Test
  void incrementAndMergeMoveForward() {
    for (VectorClock x : CLOCKS) {
      for (String site : SITES) {
        VectorClock next = x.increment(site);
        assertThat(x.happenedBefore(next)).isTrue();
        assertThat(next.get(site)).isEqualTo(x.get(site) + 1);
      }
      for (VectorClock y : CLOCKS) {
        VectorClock m = x.merge(y);
        assertThat(x.equals(m) || x.happenedBefore(m)).isTrue();
      }
    }
  }

  @Test
  void parseInvertsToStringAndEqualClocksHashAlike() {
    for (VectorClock x : CLOCKS) {
      VectorClock back = VectorClock.parse(x.toString());
      assertThat(back).isEqualTo(x).hasSameHashCodeAs(x);
      assertThat(VectorClock.of(x.entries())).isEqualTo(x).hasSameHashCodeAs(x);
    }
  }
}
