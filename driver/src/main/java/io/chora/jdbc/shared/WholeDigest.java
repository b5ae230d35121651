package io.chora.jdbc.shared;

import io.chora.sync.VectorClock;
import java.sql.SQLException;

/** A digest read whole, kept while the replica's clock stays the same (native mode). */
final class WholeDigest implements DigestSource {
  private final ReplicaConnection replica;
  private VectorClock clock;
  private StateDigest.Read kept;

  WholeDigest(ReplicaConnection replica) {
    this.replica = replica;
  }

  @Override
  public StateDigest.Read read() throws SQLException {
    VectorClock now = replica.clock();
    if (now.equals(clock)) {
      return new StateDigest.Read(kept.parts(), 0);
    }
    java.util.List<String> tables = replica.trackedTables();
    kept = replica.readingOwnState(() -> StateDigest.of(replica, tables));
    clock = now;
    return kept;
  }

  @Override
  public long cost() throws SQLException {
    return kept == null || replica.clock().equals(clock) ? 0 : kept.rowsRead();
  }
}
