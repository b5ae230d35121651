package io.chora.it.convergence;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts of what the tries did, printed at the end so that a run shows what it exercised. */
public final class Stats {
  private final Map<String, Long> counts = new LinkedHashMap<>();

  void add(String what, long n) {
    counts.merge(what, n, Long::sum);
  }

  void add(String what) {
    add(what, 1);
  }

  long get(String what) {
    return counts.getOrDefault(what, 0L);
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
