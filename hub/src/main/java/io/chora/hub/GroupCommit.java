package io.chora.hub;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decisions of one group commit: which of the queued pushes are stored, acknowledged as
 * duplicates, refused, or refused as writing for a site bound to another credential. Made by the
 * store inside its storing transaction ({@link LogStore#append}), against the committed clock and
 * bindings, so two hub instances taking pushes of one origin at once never both store the same seq,
 * nor one that skips a seq.
 */
final class GroupCommit implements LogStore.Decider {
  private final List<ClientMessage.Push> pushes;
  private final List<Credential> senders;
  private final List<Admission.Decision> decisions = new ArrayList<>();
  private final Map<String, String> binding = new HashMap<>(); // sites this commit binds

  GroupCommit(List<ClientMessage.Push> pushes, List<Credential> senders) {
    this.pushes = pushes;
    this.senders = senders;
  }

  @Override
  public LogStore.Decided decide(LogStore.Committed committed) throws SQLException {
    decisions.clear();
    binding.clear();
    Set<String> origins = new HashSet<>();
    Set<String> sites = new HashSet<>();
    for (ClientMessage.Push push : pushes) {
      origins.add(push.envelope().origin());
      sites.addAll(push.deps().keySet());
    }
    sites.addAll(origins);
    Map<String, Long> held = committed.clockOf(sites);
    SiteBindings owners = new SiteBindings(committed.ownersOf(origins));
    List<Envelope> stored = new ArrayList<>();
    for (int i = 0; i < pushes.size(); i++) {
      Envelope envelope = pushes.get(i).envelope();
      Credential credential = senders.get(i);
      if (owners.boundElsewhere(credential, envelope.origin(), binding)) {
        decisions.add(null); // the connection is closed, not answered
        continue;
      }
      Admission.Decision decision =
          forkOr(Admission.decide(held, envelope, pushes.get(i).deps()), envelope, committed);
      decisions.add(decision);
      if (decision.kind() == Admission.Kind.STORE) {
        held.put(envelope.origin(), envelope.last());
        stored.add(envelope);
        if (owners.owner(envelope.origin()) == null) {
          binding.putIfAbsent(envelope.origin(), credential.id());
        }
      }
    }
    return new LogStore.Decided(stored, binding);
  }

  /** The decision for the {@code i}th push; null: it writes for a site bound elsewhere. */
  Admission.Decision decision(int i) {
    return decisions.get(i);
  }

  /** The sites this commit bound. */
  Map<String, String> bindings() {
    return binding;
  }

  /**
   * A push of transactions the hub already holds (a duplicate, or an overlap) whose nonces differ
   * from the stored ones is another history under the same site id: refused by name.
   */
  private static Admission.Decision forkOr(
      Admission.Decision decision, Envelope envelope, LogStore.Committed committed)
      throws SQLException {
    if (decision.kind() == Admission.Kind.STORE) {
      return decision;
    }
    long seq = committed.forkedAt(envelope);
    return seq == 0
        ? decision
        : Admission.Decision.refuse(
            "fork: the hub holds another transaction "
                + envelope.origin()
                + ":"
                + seq
                + " than this replica; two files write as site '"
                + envelope.origin()
                + "' (see docs/replicas.md)");
  }
}
