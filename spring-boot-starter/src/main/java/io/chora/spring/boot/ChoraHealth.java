package io.chora.spring.boot;

import io.chora.jdbc.HubStatus;
import io.chora.jdbc.QuarantinedEnvelope;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the replica stands, independent of Boot's health classes (which Boot 4 moved), so that one
 * rule serves the indicator of either:
 *
 * <ul>
 *   <li>DOWN when the hub turns this replica away ({@link HubStatus#refused()}: a wrong or revoked
 *       token, no such workspace, its site bound to another device, a fork), when envelopes are
 *       held back (quarantined), or when a peer was found with other rows at an equal clock (a
 *       divergence): none of these mends itself;
 *   <li>UNKNOWN while a configured hub is not connected for another reason (unreachable, starting):
 *       a replica works offline and catches up later, so that is no failure of the application;
 *   <li>UP otherwise: no hub configured, or connected (and {@code healthy} in the details when also
 *       caught up with nothing unacknowledged).
 * </ul>
 */
final class ChoraHealth {
  enum State {
    UP,
    DOWN,
    UNKNOWN
  }

  record Report(State state, Map<String, Object> details) {}

  private ChoraHealth() {}

  static Report check(ChoraSync replica) throws SQLException {
    return replica.withConnection(
        chora -> {
          HubStatus hub = chora.hubStatus();
          List<QuarantinedEnvelope> held = chora.quarantined();
          Map<String, String> divergences = chora.divergences();
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("site", chora.siteId());
          details.put("clock", chora.clock().toString());
          details.put("openConflicts", chora.conflicts().size());
          details.put("hub", hubDetails(hub));
          if (!held.isEmpty()) {
            details.put("quarantined", held.stream().map(ChoraHealth::describe).toList());
          }
          if (!divergences.isEmpty()) {
            details.put("divergences", divergences);
          }
          State state;
          if (hub.refused() || !held.isEmpty() || !divergences.isEmpty()) {
            state = State.DOWN;
          } else if (hub.configured() && !hub.connected()) {
            state = State.UNKNOWN;
          } else {
            state = State.UP;
          }
          return new Report(state, details);
        });
  }

  private static Map<String, Object> hubDetails(HubStatus hub) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("configured", hub.configured());
    if (hub.configured()) {
      details.put("connected", hub.connected());
      details.put("refused", hub.refused());
      details.put("caughtUp", hub.caughtUp());
      details.put("healthy", hub.healthy());
      details.put("pendingTransactions", hub.pendingTransactions());
      details.put(
          "lastExchange", hub.lastExchange() == null ? null : hub.lastExchange().toString());
      details.put("lastError", hub.lastError());
    }
    return details;
  }

  private static String describe(QuarantinedEnvelope envelope) {
    return envelope.name()
        + ": "
        + (envelope.waitsFor() != null ? "waits for " + envelope.waitsFor() : envelope.reason());
  }
}
