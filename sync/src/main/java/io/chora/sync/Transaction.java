package io.chora.sync;

import java.util.List;

/**
 * The changes of one committed transaction, under its origin dot, its hybrid logical clock
 * timestamp ({@link Hlc}) and its dependencies: the origin's clock just before it committed. Two
 * writes are concurrent when neither transaction's dependencies cover the other's dot.
 */
public record Transaction(Dot dot, long hlc, VectorClock deps, List<Change> changes) {
  public Transaction {
    if (dot == null) {
      throw new IllegalArgumentException("a transaction needs a dot");
    }
    if (deps == null) {
      throw new IllegalArgumentException("a transaction needs its dependency clock");
    }
    if (deps.get(dot.site()) >= dot.seq()) {
      throw new IllegalArgumentException(
          "transaction " + dot + " cannot depend on itself or later: deps " + deps);
    }
    changes = List.copyOf(changes);
  }

  /** A transaction whose only dependency is its own site's previous one. */
  public Transaction(Dot dot, long hlc, List<Change> changes) {
    this(dot, hlc, new VectorClock().with(dot.site(), dot.seq() - 1), changes);
  }
}
