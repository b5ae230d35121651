package io.chora.hub;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Whether the hub stores a pushed envelope, given what it holds: the protocol's contiguity and
 * causality rules. Storing only what extends an origin by exactly the next seq, and only once its
 * dependencies are held, keeps the log's arrival order a causal order.
 */
final class Admission {
  /** What to do with a push; {@code reason} is set for a refusal. */
  record Decision(Kind kind, String reason) {
    static final Decision STORE = new Decision(Kind.STORE, null);
    static final Decision DUPLICATE = new Decision(Kind.DUPLICATE, null);

    static Decision refuse(String reason) {
      return new Decision(Kind.REFUSE, reason);
    }
  }

  enum Kind {
    /** New and in order: store, then ack. */
    STORE,
    /** Already held: ack again, store nothing. */
    DUPLICATE,
    /** Cannot be stored now: nack with the reason. */
    REFUSE
  }

  private Admission() {}

  /**
   * @param held what the hub holds, including envelopes admitted earlier in the same commit
   * @param deps the envelope's dependencies, without its origin
   */
  static Decision decide(Map<String, Long> held, Envelope envelope, Map<String, Long> deps) {
    long hubLast = held.getOrDefault(envelope.origin(), 0L);
    if (envelope.last() <= hubLast) {
      return Decision.DUPLICATE;
    }
    if (envelope.first() > hubLast + 1) {
      return Decision.refuse("gap: the hub holds " + envelope.origin() + " up to " + hubLast);
    }
    if (envelope.first() <= hubLast) {
      return Decision.refuse("overlap: the hub holds " + envelope.origin() + " up to " + hubLast);
    }
    StringJoiner missing = new StringJoiner(",", "deps missing: ", "").setEmptyValue("");
    deps.forEach(
        (site, seq) -> {
          if (held.getOrDefault(site, 0L) < seq) {
            missing.add(site);
          }
        });
    String lacking = missing.toString();
    return lacking.isEmpty() ? Decision.STORE : Decision.refuse(lacking);
  }
}
