package io.chora.jdbc;

import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetFormatException;
import io.chora.sync.Conflict;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

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

  /**
   * Merges a change set from another replica, atomically: all of it or, on any error, nothing.
   * Transactions this replica already has are skipped, so applying twice changes nothing. The
   * merged writes are not recorded as local changes; they keep their origin's dots.
   */
  ApplyResult apply(ChangeSet changes) throws SQLException;

  /**
   * Reads a change set in the wire format ({@link ChangeSet#readFrom}) and applies it. Bytes that
   * are not a well-formed change set of a known version are refused with an {@link SQLException}
   * naming the problem, before anything is written.
   */
  default ApplyResult apply(InputStream wire) throws SQLException {
    ChangeSet changes;
    try {
      changes = ChangeSet.readFrom(wire);
    } catch (ChangeSetFormatException e) {
      throw new SQLException("chora: change set refused: " + e.getMessage(), "22000", e);
    } catch (IOException e) {
      throw new SQLException("chora: could not read the change set: " + e.getMessage(), "08000", e);
    }
    return apply(changes);
  }

  /** Sends {@code other} what it lacks and takes what this replica lacks, in that order. */
  SyncResult syncWith(ChoraConnection other) throws SQLException;

  /** Open conflicts: concurrent writes of one cell, with the value kept and the value lost. */
  List<Conflict> conflicts() throws SQLException;

  /** Writes a conflict's lost value back as a new local write (which syncs like any other). */
  void restoreConflict(long id) throws SQLException;

  /** Marks a conflict as seen; its lost value stays lost. */
  void dismissConflict(long id) throws SQLException;
}
