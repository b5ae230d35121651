package io.chora.sync;

import java.util.List;

/**
 * The changes of one committed transaction, under its origin dot, its hybrid logical clock
 * timestamp ({@link Hlc}) and its dependencies: the origin's clock just before it committed. Two
 * writes are concurrent when neither transaction's dependencies cover the other's dot. {@code
 * nonce} is a random number drawn when it committed (0: unknown, from an older replica): two
 * transactions under one dot with different nonces are two histories under one site id, a fork.
 */
public record Transaction(Dot dot, long hlc, VectorClock deps, List<Change> changes, long nonce) {
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

  /** A transaction without a known nonce. */
  public Transaction(Dot dot, long hlc, VectorClock deps, List<Change> changes) {
    this(dot, hlc, deps, changes, 0);
  }

  /** A transaction whose only dependency is its own site's previous one. */
  public Transaction(Dot dot, long hlc, List<Change> changes) {
    this(dot, hlc, new VectorClock().with(dot.site(), dot.seq() - 1), changes);
  }
}
