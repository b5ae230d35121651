package io.chora.jdbc;

import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection to a chora replica: what {@code connection.unwrap(ChoraConnection.class)} returns,
 * directly, through a pool or through an ORM.
 */
public interface ChoraConnection extends Connection {
  /** This replica's site id, fixed when the database was first opened through chora. */
  String siteId();

  /** The highest committed transaction seq per site that this replica holds. */
  VectorClock clock() throws SQLException;

  /**
   * The committed transactions that a peer with clock {@code peer} lacks, with the current values
   * of the rows they changed. An empty clock asks for everything.
   */
  ChangeSet changesSince(VectorClock peer) throws SQLException;
}
