package io.chora.sync;

import java.util.List;

/**
 * The changes of one committed transaction, under its origin dot and hybrid logical clock timestamp
 * ({@link Hlc}).
 */
public record Transaction(Dot dot, long hlc, List<Change> changes) {
  public Transaction {
    if (dot == null) {
      throw new IllegalArgumentException("a transaction needs a dot");
    }
    changes = List.copyOf(changes);
  }
}
