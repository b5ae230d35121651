package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorClockTest {
  private static VectorClock clock(String text) {
    return VectorClock.parse(text);
  }

  @Test
  void newClockIsEmptyAndEveryCounterIsZero() {
    VectorClock empty = new VectorClock();
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.entries()).isEmpty();
    assertThat(empty.get("site-a")).isZero();
    assertThat(empty).hasToString("{}");
  }

  @Test
  void aheadOfCountsWhatTheOtherLacks() {
    assertThat(clock("{a=5, b=2}").aheadOf(clock("{a=3, b=7, c=1}"))).isEqualTo(2);
    assertThat(clock("{a=5, b=2}").aheadOf(new VectorClock())).isEqualTo(7);
    assertThat(clock("{a=1}").aheadOf(clock("{a=1}"))).isZero();
  }

  @Test
  void incrementRaisesOnlyThatSiteByOne() {
    VectorClock c = new VectorClock().increment("a").increment("a").increment("b");
    assertThat(c.get("a")).isEqualTo(2);
    assertThat(c.get("b")).isEqualTo(1);
    assertThat(c.get("c")).isZero();
    assertThat(c.isEmpty()).isFalse();
  }

  @Test
  void operationsNeverChangeTheReceiver() {
    VectorClock original = clock("{a=1, b=2}");
    VectorClock incremented = original.increment("a");
    VectorClock withC = original.with("c", 5);
    VectorClock merged = original.merge(clock("{a=9, d=1}"));

    assertThat(original).isEqualTo(clock("{a=1, b=2}"));
    assertThat(incremented).isEqualTo(clock("{a=2, b=2}"));
    assertThat(withC).isEqualTo(clock("{a=1, b=2, c=5}"));
    assertThat(merged).isEqualTo(clock("{a=9, b=2, d=1}"));
  }

  @Test
  void entriesAreSortedAndUnmodifiable() {
    VectorClock c = new VectorClock().increment("z").increment("a").increment("m");
    assertThat(c.entries().keySet()).containsExactly("a", "m", "z");
    assertThatThrownBy(() -> c.entries().put("a", 7L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(c.get("a")).isEqualTo(1);
  }

  @Test
  void ofCopiesItsInputAndDropsZeroCounters() {
    Map<String, Long> source = new HashMap<>(Map.of("a", 3L, "b", 0L));
    VectorClock c = VectorClock.of(source);
    source.put("a", 100L);
    source.put("x", 1L);

    assertThat(c.entries()).containsExactly(Map.entry("a", 3L));
    assertThat(c).isEqualTo(new VectorClock().with("a", 3));
    assertThat(VectorClock.of(Map.of("a", 0L))).isEqualTo(new VectorClock());
  }

  @Test
  void withSetsACounterAndAllowsTheSameValue() {
    VectorClock c = clock("{a=3}");
    assertThat(c.with("a", 7).get("a")).isEqualTo(7);
    assertThat(c.with("a", 3)).isEqualTo(c);
    assertThat(c.with("b", 0)).isEqualTo(c);
    assertThat(c.with("b", 0).entries()).doesNotContainKey("b");
  }

  @Test
  void withRefusesACounterGoingDown() {
    assertThatThrownBy(() -> clock("{a=3}").with("a", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would go down from 3 to 2");
    assertThatThrownBy(() -> clock("{a=3}").with("b", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void incrementPastLongMaxValueIsRefused() {
    VectorClock atMax = new VectorClock().with("a", Long.MAX_VALUE);
    assertThatThrownBy(() -> atMax.increment("a")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyOrNullSitesAreRefusedEverywhere() {
    VectorClock c = clock("{a=1}");
    assertThatThrownBy(() -> c.increment("")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> c.increment(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.with("", 4)).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> c.with("", 0)).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> c.with(null, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VectorClock.of(Map.of("", 1L))).hasMessageContaining("non-empty");
    Map<String, Long> nullSite = new HashMap<>();
    nullSite.put(null, 1L);
    assertThatThrownBy(() -> VectorClock.of(nullSite)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void negativeCountersAreRefused() {
    assertThatThrownBy(() -> VectorClock.of(Map.of("a", -1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative counter for site a: -1");
  }

  @Test
  void mergeTakesThePointwiseMaximum() {
    VectorClock merged = clock("{a=3, b=1}").merge(clock("{b=4, c=2}"));
    assertThat(merged).isEqualTo(clock("{a=3, b=4, c=2}"));
    assertThat(new VectorClock().merge(clock("{a=1}"))).isEqualTo(clock("{a=1}"));
    assertThat(clock("{a=1}").merge(new VectorClock())).isEqualTo(clock("{a=1}"));
  }

  @Test
  void happenedBeforeIsStrict() {
    VectorClock a1 = clock("{a=1}");
    assertThat(new VectorClock().happenedBefore(a1)).isTrue();
    assertThat(a1.happenedBefore(clock("{a=2}"))).isTrue();
    assertThat(a1.happenedBefore(clock("{a=1, b=1}"))).isTrue();
    assertThat(clock("{a=2}").happenedBefore(a1)).isFalse();
    assertThat(a1.happenedBefore(clock("{a=1}"))).isFalse();
    assertThat(new VectorClock().happenedBefore(new VectorClock())).isFalse();
    assertThat(clock("{a=2, b=1}").happenedBefore(clock("{a=1, b=2}"))).isFalse();
  }

  @Test
  void isCoveredByIncludesEqualClocks() {
    assertThat(clock("{a=1}").isCoveredBy(clock("{a=1}"))).isTrue();
    assertThat(clock("{a=1}").isCoveredBy(clock("{a=2}"))).isTrue();
    assertThat(clock("{a=1, b=1}").isCoveredBy(clock("{a=2}"))).isFalse();
  }

  @Test
  void concurrentMeansNeitherCoversTheOther() {
    VectorClock x = clock("{a=2, b=1}");
    VectorClock y = clock("{a=1, b=2}");
    assertThat(x.isConcurrent(y)).isTrue();
    assertThat(y.isConcurrent(x)).isTrue();
    assertThat(clock("{a=1}").isConcurrent(clock("{b=1}"))).isTrue();
    assertThat(x.isConcurrent(x)).isFalse();
    assertThat(x.isConcurrent(x.increment("a"))).isFalse();
    assertThat(new VectorClock().isConcurrent(x)).isFalse();
  }

  @Test
  void equalityIgnoresHowTheClockWasBuilt() {
    VectorClock built = new VectorClock().increment("b").increment("a").increment("a");
    Map<String, Long> entries = new LinkedHashMap<>();
    entries.put("b", 1L);
    entries.put("a", 2L);
    entries.put("z", 0L);
    VectorClock fromMap = VectorClock.of(entries);

    assertThat(built).isEqualTo(fromMap).hasSameHashCodeAs(fromMap);
    assertThat(built).isNotEqualTo(built.increment("a")).isNotEqualTo("{a=2, b=1}");
    assertThat(new VectorClock()).isEqualTo(VectorClock.of(Map.of()));
  }

  @Test
  void toStringListsSitesInOrder() {
    VectorClock c = new VectorClock().increment("site-b").increment("site-a").increment("site-a");
    assertThat(c).hasToString("{site-a=2, site-b=1}");
  }

  @Test
  void parseReadsTheToStringFormBack() {
    VectorClock c = VectorClock.of(Map.of("site-a", 2L, "site-b", 1L, "x", Long.MAX_VALUE));
    assertThat(VectorClock.parse(c.toString())).isEqualTo(c);
    assertThat(VectorClock.parse("{site-a=2, site-b=1}").entries())
        .containsExactly(Map.entry("site-a", 2L), Map.entry("site-b", 1L));
    assertThat(VectorClock.parse("  { a = 1 ,b=2 }  ")).isEqualTo(clock("{a=1, b=2}"));
    assertThat(VectorClock.parse("{}")).isEqualTo(new VectorClock());
    assertThat(VectorClock.parse("{a=0}")).isEqualTo(new VectorClock());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a=1", "{a=1", "a=1}", "{a}", "{=1}", "{a=x}", "{a=1.5}", "{a=-1}"})
  void parseRefusesMalformedText(String text) {
    assertThatThrownBy(() -> VectorClock.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseErrorsSayWhatIsWrong() {
    assertThatThrownBy(() -> VectorClock.parse("a=1")).hasMessageContaining("not a vector clock");
    assertThatThrownBy(() -> VectorClock.parse("{a}")).hasMessageContaining("'a'");
    assertThatThrownBy(() -> VectorClock.parse("{a=x}")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> VectorClock.parse("{a=-2}")).hasMessageContaining("negative");
  }
}
