package io.chora.jdbc.hub;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which hub endpoint the client tries next, and when. {@code chora.hub} may list several instances
 * of one hub: they are tried in turn, the next at once when one fails, and only a whole round of
 * failures backs off (0.25 s doubling to 30 s, full jitter), so one instance that is down costs a
 * client no wait while another answers. With one endpoint that is the plain backoff per attempt.
 * Used on the hub client's worker thread only.
 */
final class Reconnects {
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 30_000;

  /**
   * Clients closed by a draining instance spread their reconnects over this much, so that the
   * instances left do not take all their hellos in the same millisecond.
   */
  private static final long RESTART_SPREAD_MS = 100;

  /** Why the last attempt or connection ended. */
  enum Cause {
    /** The endpoint was unreachable, refused the client, or dropped it. */
    ENDPOINT,
    /** A hub that had welcomed the client is stopping or restarting (close code 1012 or 1001). */
    RESTART,
    /** This side failed (the database): another endpoint would not help. */
    LOCAL
  }

  private final List<URI> endpoints;
  private int current;
  private int failedThisRound; // endpoints that failed since the round began
  private int failedRounds; // rounds in a row in which every endpoint failed

  Reconnects(List<URI> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no hub endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
  }

  /** The endpoint to connect to (and the one a connection in progress uses). */
  URI current() {
    return endpoints.get(current);
  }

  boolean several() {
    return endpoints.size() > 1;
  }

  /** The current endpoint welcomed the client: the next failure starts a new round. */
  void welcomed() {
    failedThisRound = 0;
    failedRounds = 0;
  }

  /**
   * The attempt on (or the connection to) the current endpoint ended for {@code cause}: moves on to
   * the next endpoint unless the trouble was local, and returns how many milliseconds to wait
   * before connecting again.
   */
  long ended(Cause cause) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (cause == Cause.RESTART) {
      advance();
      failedThisRound = 0;
      failedRounds = 0;
      return random.nextLong(RESTART_SPREAD_MS + 1);
    }
    if (cause == Cause.ENDPOINT) {
      advance();
      if (++failedThisRound < endpoints.size()) {
        return 0;
      }
    }
    failedThisRound = 0;
    long cap = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failedRounds, 20));
    failedRounds++;
    return random.nextLong(cap / 4, cap + 1);
  }

  private void advance() {
    current = (current + 1) % endpoints.size();
  }
}
