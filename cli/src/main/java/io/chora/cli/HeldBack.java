package io.chora.cli;

import io.chora.jdbc.QuarantinedEnvelope;
import java.util.ArrayList;
import java.util.List;

/** Envelopes from the hub a replica holds back, in words (docs/quarantine.md). */
final class HeldBack {
  private HeldBack() {}

  static String describe(List<QuarantinedEnvelope> held) {
    if (held.isEmpty()) {
      return "nothing (every envelope from the hub applied)";
    }
    List<String> failed = new ArrayList<>();
    for (QuarantinedEnvelope q : held) {
      if (q.waitsFor() == null) {
        failed.add(q.name() + ": " + q.reason());
      }
    }
    return Output.count(held.size(), "envelope")
        + " from the hub, "
        + (held.size() - failed.size())
        + " of them waiting for one that cannot be applied: "
        + String.join("; ", failed)
        + " (other replicas' changes go on applying)";
  }
}
