package io.chora.sync;

/**
 * When a write was made, as the merge orders writes: its transaction's {@link Dot} and {@link Hlc}.
 * This is the one place that decides which of two writes is the later one, for every winner chora
 * picks (a cell, a UNIQUE value, a ledger entry's kept side): the higher HLC, then on equal HLCs
 * the greater site id. Two writes of one transaction compare equal.
 */
public record Stamp(Dot dot, long hlc) implements Comparable<Stamp> {
  /** The oldest stamp of all: a value from before chora tracked the table. */
  public static final Stamp BASELINE = new Stamp(null, 0);

  public static Stamp of(Transaction tx) {
    return new Stamp(tx.dot(), tx.hlc());
  }

  /** Whether a write with this stamp wins over one with {@code other}. */
  public boolean beats(Stamp other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Stamp other) {
    if (hlc != other.hlc) {
      return Long.compare(hlc, other.hlc);
    }
    if (dot == null || other.dot == null) {
      return dot == null ? (other.dot == null ? 0 : -1) : 1;
    }
    return dot.site().compareTo(other.dot.site());
  }
}
