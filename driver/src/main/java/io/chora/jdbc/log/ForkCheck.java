package io.chora.jdbc.log;

import io.chora.jdbc.shared.Refusals;
import io.chora.sync.Head;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Two histories under one site id: two files that both wrote a site's transaction {@code n} (a copy
 * opened with the original's chora.site, a backup copied over the file in place, two machines given
 * one chora.site). Every transaction gets a random nonce when it commits; a change set's heads
 * carry the sender's nonces at the receiver's clock, and a receiver whose own transaction under
 * that dot has another nonce refuses the set whole — also when the clocks are equal and the set
 * carries nothing else. Transactions from before nonces (null) are not compared.
 */
final class ForkCheck {
  private ForkCheck() {}

  /** The nonce of {@code site}'s transaction {@code seq} in this log, or 0 if unknown. */
  static long nonceOf(Connection conn, String site, long seq) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT nonce FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND seq = ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, site);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The heads for a peer at {@code peer}: per site both know, the nonce at the lower seq. */
  static Map<String, Head> heads(Connection conn, VectorClock mine, VectorClock peer)
      throws SQLException {
    Map<String, Head> heads = new HashMap<>();
    for (Map.Entry<String, Long> e : peer.entries().entrySet()) {
      long seq = Math.min(e.getValue(), mine.get(e.getKey()));
      if (seq >= 1) {
        long nonce = nonceOf(conn, e.getKey(), seq);
        if (nonce != 0) {
          heads.put(e.getKey(), new Head(seq, nonce));
        }
      }
    }
    return heads;
  }

  /** Refuses a set from {@code sender} whose heads name a transaction this log holds otherwise. */
  static void check(Connection conn, String sender, Map<String, Head> heads) throws SQLException {
    for (Map.Entry<String, Head> e : heads.entrySet()) {
      long own = nonceOf(conn, e.getKey(), e.getValue().seq());
      if (own != 0 && own != e.getValue().nonce()) {
        String dot = e.getKey() + ":" + e.getValue().seq();
        throw Refusals.changeSet(
            "fork: '"
                + sender
                + "' holds another transaction "
                + dot
                + " than this replica (it or an earlier one of site '"
                + e.getKey()
                + "' differs): two files wrote as site '"
                + e.getKey()
                + "' (a copy opened with the original's chora.site, a backup copied over the"
                + " file, or one chora.site on two machines). Nothing was applied. Keep both"
                + " histories with `chora repair-fork <this file> --against <the other file, or"
                + " the hub ws://HOST:PORT/WORKSPACE>` (or ChoraConnection.repairFork), then sync"
                + " again; see docs/replicas.md (forks)");
      }
    }
  }
}
