package io.chora.jdbc.hub;

import io.chora.jdbc.hub.HubProtocol.Envelope;
import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.SetSignatures;
import io.chora.sync.ChangeSet;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client's side of envelopes (docs/protocol.md): a range of one origin's transactions, sealed
 * for the workspace (chora.encrypt) and signed for exactly that origin and range (chora.sign), so
 * the hub stores no plaintext and a receiver takes nothing a member did not sign. {@link
 * HubSnapshots} does the same for whole states.
 */
final class HubEnvelopes {
  private final PayloadCipher cipher;
  private final SetSignatures signatures; // or null

  HubEnvelopes(PayloadCipher cipher, SetSignatures signatures) {
    this.cipher = cipher;
    this.signatures = signatures;
  }

  /** The set's transactions of {@code origin} as one envelope, its clock narrowed to their deps. */
  Envelope seal(String origin, ChangeSet set) throws SQLException {
    long first = Long.MAX_VALUE;
    long last = 0;
    VectorClock deps = new VectorClock();
    List<Long> nonces = new ArrayList<>();
    for (Transaction tx : set.transactions()) {
      first = Math.min(first, tx.dot().seq());
      last = Math.max(last, tx.dot().seq());
      deps = deps.merge(tx.deps());
      nonces.add(tx.nonce());
    }
    Map<String, Long> others = new TreeMap<>(deps.entries());
    others.remove(origin);
    VectorClock needs = VectorClock.of(others);
    ChangeSet narrowed = new ChangeSet(origin, needs.with(origin, last), set.transactions());
    String json = narrowed.toJson();
    if (signatures != null) {
      json = signatures.sign(json, SetSignatures.hub(origin, first, last));
    }
    try {
      return new Envelope(
          origin, first, last, needs, cipher.seal(json), nonces.contains(0L) ? List.of() : nonces);
    } catch (IOException e) {
      throw new SQLException("cannot encrypt changes for the hub: " + e.getMessage(), e);
    }
  }

  /**
   * The envelope's set: decrypted, and with chora.sign its signature checked for exactly this
   * origin and range, once per envelope, before anything of it is applied.
   */
  ChangeSet open(Envelope e) throws IOException, SQLException {
    String json = cipher.open(e.payload());
    if (signatures == null) {
      return ChangeSet.fromJson(json);
    }
    ChangeSet set =
        ChangeSet.fromJson(
            signatures.verify(json, SetSignatures.hub(e.origin(), e.first(), e.last())));
    for (Transaction tx : set.transactions()) { // what was signed for the range is what it holds
      long seq = tx.dot().seq();
      if (!tx.dot().site().equals(e.origin()) || seq < e.first() || seq > e.last()) {
        throw Refusals.changeSet(
            "envelope " + e.origin() + " " + e.first() + ".." + e.last() + " holds " + tx.dot());
      }
    }
    return set;
  }
}
