package io.chora.sync;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The merge rule of a counting cell (issue 15): a resettable counter. Each transaction's net write
 * of the cell is one {@link Write}: a reset to a value (an absolute write, or an insert), or an
 * increment by an amount. The cell's value is the base, the reset with the highest {@link Stamp},
 * plus every increment the base's writer had not seen (its dependencies do not cover it):
 * increments concurrent with the base or made after it count, those it overwrote do not.
 *
 * <p>The value depends only on the set of writes, never on the order they arrived in, so adding
 * writes is commutative, associative and idempotent (a write is known by its dot): replicas that
 * hold the same writes hold the same value, whatever the route or the repeats. Amounts are INTEGER;
 * the sum wraps like Java's {@code long}, which keeps it order-independent.
 */
public final class Counter {
  /**
   * One transaction's net write of the cell. {@code deps} is what the writer had seen before it
   * (the transaction's dependencies). Increments followed by a reset in one transaction fold into
   * the reset; a reset followed by increments folds into a reset to the final value.
   */
  public record Write(Stamp stamp, VectorClock deps, boolean reset, long amount) {
    public static Write reset(Stamp stamp, VectorClock deps, long value) {
      return new Write(stamp, deps, true, value);
    }

    public static Write increment(Stamp stamp, VectorClock deps, long amount) {
      return new Write(stamp, deps, false, amount);
    }
  }

  private final Map<Dot, Write> writes;

  public Counter() {
    this(Map.of());
  }

  private Counter(Map<Dot, Write> writes) {
    this.writes = writes;
  }

  /** This counter with {@code write} added; a write already held (same dot) changes nothing. */
  public Counter with(Write write) {
    if (write.stamp().dot() == null) {
      throw new IllegalArgumentException("a counter's write needs its transaction's dot");
    }
    if (writes.containsKey(write.stamp().dot())) {
      return this;
    }
    Map<Dot, Write> more = new HashMap<>(writes);
    more.put(write.stamp().dot(), write);
    return new Counter(Collections.unmodifiableMap(more));
  }

  /** This counter with every write of {@code other} added. */
  public Counter merge(Counter other) {
    Counter merged = this;
    for (Write w : other.writes.values()) {
      merged = merged.with(w);
    }
    return merged;
  }

  /** The writes held, by their transaction's dot. */
  public Map<Dot, Write> writes() {
    return writes;
  }

  /** The base: the reset with the highest stamp, or null when the cell was only incremented. */
  public Write base() {
    Write base = null;
    for (Write w : writes.values()) {
      if (w.reset() && (base == null || w.stamp().beats(base.stamp()))) {
        base = w;
      }
    }
    return base;
  }

  /** The base's value plus every increment its writer had not seen; 0 is the base of none. */
  public long value() {
    Write base = base();
    long value = base == null ? 0 : base.amount();
    for (Write w : writes.values()) {
      if (!w.reset() && (base == null || !seen(base, w.stamp().dot()))) {
        value += w.amount();
      }
    }
    return value;
  }

  private static boolean seen(Write by, Dot dot) {
    return by.deps().get(dot.site()) >= dot.seq();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counter c && c.writes.equals(writes);
  }

  @Override
  public int hashCode() {
    return writes.hashCode();
  }

  @Override
  public String toString() {
    return "Counter" + writes.values() + " = " + value();
  }
}
