package io.chora.jdbc;

import java.time.Instant;

/**
 * Transactions from the hub that this replica holds back instead of applying: an envelope it could
 * not read, decrypt or apply ({@code waitsFor} null, {@code reason} says why), or one that depends
 * on such an envelope ({@code waitsFor} names it). Only these and what depends on them wait; other
 * replicas' changes go on applying. Each is tried again when the hub sends it again (each time the
 * client connects, so after an upgrade) and every minute from the copy kept in the database; it
 * leaves the list once it applies. See docs/quarantine.md.
 *
 * @param origin the site whose transactions these are
 * @param first the first transaction's seq
 * @param last the last transaction's seq
 * @param reason why it is held, in words
 * @param waitsFor {@code origin first..last} of the quarantined envelope it depends on, or null
 * @param since when it was first held
 * @param attempts how many times applying it was tried
 */
public record QuarantinedEnvelope(
    String origin,
    long first,
    long last,
    String reason,
    String waitsFor,
    Instant since,
    int attempts) {

  /** {@code origin first..last}, as messages name it. */
  public String name() {
    return origin + " " + first + ".." + last;
  }
}
