package io.chora.jdbc.hub;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.shared.SetSignatures;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.sql.SQLException;

/**
 * The client's side of the hub's snapshots (protocol 1.1, docs/hub.md#snapshots-and-compaction). A
 * snapshot is what a brand-new replica would be sent by this one: {@code changesSince} an empty
 * clock, which tells every row's story once, at the replica's clock. It is sealed and signed like
 * an envelope (signed for {@code snapshot SITE}, the member that made it), so the hub stores no
 * plaintext and a receiver takes only a member's.
 */
final class HubSnapshots {
  private final PayloadCipher cipher;
  private final SetSignatures signatures; // or null

  HubSnapshots(PayloadCipher cipher, SetSignatures signatures) {
    this.cipher = cipher;
    this.signatures = signatures;
  }

  /** An upload: the clock it covers and the message, null if it would not fit. */
  record Upload(VectorClock clock, String message) {}

  /** The upload of {@code own}'s state; its message is null if over {@code maxChars}. */
  Upload upload(ChoraConnection own, String site, int maxChars) throws SQLException {
    ChangeSet set = own.changesSince(new VectorClock());
    String json = set.toJson();
    if (signatures != null) {
      json = signatures.sign(json, SetSignatures.snapshot(site));
    }
    String message;
    try {
      message = HubProtocol.snapshot(set.clock(), cipher.seal(json));
    } catch (IOException e) {
      throw new SQLException("cannot encrypt a snapshot for the hub: " + e.getMessage(), e);
    }
    return new Upload(set.clock(), message.length() > maxChars ? null : message);
  }

  /**
   * The set of a snapshot the hub sent: decrypted and, with signing, checked to be signed by a
   * member for the site the hub says made it.
   */
  ChangeSet open(HubProtocol.Message m) throws IOException, SQLException {
    String json = cipher.open(m.text("payload"));
    if (signatures != null) {
      json = signatures.verify(json, SetSignatures.snapshot(m.text("site")));
    }
    return ChangeSet.fromJson(json);
  }
}
