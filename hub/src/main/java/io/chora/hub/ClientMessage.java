package io.chora.hub;

import java.util.Map;

/** A message from a client, checked against the protocol by {@link ClientMessages}. */
sealed interface ClientMessage {
  /**
   * {@code former}: sites the client's replica wrote as before, whose history it may push; {@code
   * snapshots}: the client can start from a snapshot and upload one (protocol 1.1).
   */
  record Hello(
      String site,
      Map<String, Long> clock,
      java.util.Set<String> former,
      Map<String, long[]> heads,
      boolean snapshots)
      implements ClientMessage {}

  /** A member's snapshot of its replica at {@code clock}, opaque like a payload. */
  record Snapshot(Map<String, Long> clock, String payload) implements ClientMessage {}

  /**
   * @param deps the envelope's dependencies without its origin (whose {@code first - 1} is implied)
   */
  record Push(Envelope envelope, Map<String, Long> deps) implements ClientMessage {}

  /**
   * @param nonceJson the nonce as JSON text, echoed as it came
   */
  record Ping(String nonceJson) implements ClientMessage {}

  record Pong() implements ClientMessage {}

  /** The client's replica's clock now: relayed to the others, so they know what it holds. */
  /** {@code digest}: base64 of what the replica's tables hold at {@code clock}, opaque; or null. */
  record Clock(Map<String, Long> clock, String digest) implements ClientMessage {}
}
