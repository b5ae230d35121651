package io.chora.sync;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable vector clock: for each site, the highest contiguous sequence number seen from it.
 * Sites that are absent count as zero. Every operation returns a new clock.
 */
public final class VectorClock {
  private static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

  private final TreeMap<String, Long> entries;

  /** The empty clock, which happened before every non-empty clock. */
  public VectorClock() {
    this(new TreeMap<>());
  }

  private VectorClock(TreeMap<String, Long> entries) {
    this.entries = entries;
  }

  /** Builds a clock from site → counter entries; zero counters are dropped. */
  public static VectorClock of(Map<String, Long> entries) {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      String site = requireSite(e.getKey());
      long value = e.getValue();
      if (value < 0) {
        throw new IllegalArgumentException("negative counter for site " + site + ": " + value);
      }
      if (value > 0) {
        copy.put(site, value);
      }
    }
    return copy.isEmpty() ? EMPTY : new VectorClock(copy);
  }

  /** The counter for {@code site}, or 0 when the clock has never seen it. */
  public long get(String site) {
    return entries.getOrDefault(site, 0L);
  }

  /** This clock with {@code site}'s counter one higher. */
  public VectorClock increment(String site) {
    return with(requireSite(site), get(site) + 1);
  }

  /** This clock with {@code site}'s counter set to {@code value} (which may not go down). */
  public VectorClock with(String site, long value) {
    requireSite(site);
    if (value < get(site)) {
      throw new IllegalArgumentException(
          "counter for " + site + " would go down from " + get(site) + " to " + value);
    }
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    if (value > 0) {
      copy.put(site, value);
    }
    return new VectorClock(copy);
  }

  /** The pointwise maximum of both clocks. */
  public VectorClock merge(VectorClock other) {
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    other.entries.forEach((site, value) -> copy.merge(site, value, Math::max));
    return new VectorClock(copy);
  }

  /** True when every counter here is ≤ the other's and the clocks differ. */
  public boolean happenedBefore(VectorClock other) {
    return !equals(other) && isCoveredBy(other);
  }

  /** True when every counter here is ≤ the other's (equal clocks included). */
  public boolean isCoveredBy(VectorClock other) {
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      if (e.getValue() > other.get(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  /**
   * How many transactions this clock counts that {@code other} does not: what a replica at {@code
   * other} lacks from one at this clock.
   */
  public long aheadOf(VectorClock other) {
    long ahead = 0;
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      ahead += Math.max(0, e.getValue() - other.get(e.getKey()));
    }
    return ahead;
  }

  /** True when neither clock happened before the other and they differ. */
  public boolean isConcurrent(VectorClock other) {
    return !isCoveredBy(other) && !other.isCoveredBy(this);
  }

  /** The site → counter entries, sorted by site, unmodifiable. */
  public Map<String, Long> entries() {
    return Collections.unmodifiableMap(entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorClock && ((VectorClock) o).entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /** Readable form like {@code {site-a=2, site-b=1}}. */
  @Override
  public String toString() {
    return entries.toString();
  }

  /** Parses the {@link #toString()} form back, e.g. {@code {site-a=2, site-b=1}}. */
  public static VectorClock parse(String text) {
    String body = text.strip();
    if (!body.startsWith("{") || !body.endsWith("}")) {
      throw new IllegalArgumentException("not a vector clock, expected {site=n, ...}: " + text);
    }
    body = body.substring(1, body.length() - 1).strip();
    TreeMap<String, Long> parsed = new TreeMap<>();
    if (!body.isEmpty()) {
      for (String part : body.split(",")) {
        int eq = part.lastIndexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("not a site=counter entry: '" + part.strip() + "'");
        }
        try {
          parsed.put(part.substring(0, eq).strip(), Long.parseLong(part.substring(eq + 1).strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("counter is not a number in '" + part.strip() + "'");
        }
      }
    }
    return of(parsed);
  }

  private static String requireSite(String site) {
    if (site == null || site.isEmpty()) {
      throw new IllegalArgumentException("site id must be a non-empty string");
    }
    return site;
  }
}
