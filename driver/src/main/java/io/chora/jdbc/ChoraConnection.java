package io.chora.jdbc;

import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.SyncEvent;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A connection to a chora replica: what {@code connection.unwrap(ChoraConnection.class)} returns,
 * directly, through a pool or through an ORM.
 */
public interface ChoraConnection extends Connection {
  /** This replica's site id, fixed when the database was first opened through chora. */
  String siteId();

  /** The highest committed transaction seq per site that this replica holds. */
  VectorClock clock() throws SQLException;

  /** The tables whose writes this replica records and syncs, by name, sorted. */
  List<String> trackedTables() throws SQLException;

  /** Row changes held in the change log: what a brand-new replica would be sent at most. */
  long logSize() throws SQLException;

  /**
   * Whether capture is current: its triggers were made for the schema as it is now, in the form
   * this driver makes them. False after another program changed the schema (a migration, a CREATE
   * INDEX through the sqlite3 shell) or when an older chora made the triggers; the next read-write
   * open through {@code jdbc:chora:} rebuilds them. Always true in native mode, where cr-sqlite
   * keeps its own.
   */
  boolean captureCurrent() throws SQLException;

  /**
   * Whether this file is a copy of the replica whose site id it holds: copied, restored from a
   * backup or moved to another file system (chora remembers the identity of the file it writes
   * from). The copy's next read-write open gives it a new site id, keeping all history, unless
   * {@code chora.site} names the stored one; until then {@link #siteId()} is the original's. A
   * read-only open changes nothing, so only there can this be true. Always false in native mode and
   * for a database without a file.
   */
  boolean isCopy() throws SQLException;

  /**
   * The committed transactions that a peer with clock {@code peer} lacks, with the current values
   * of the rows they changed. An empty clock asks for everything.
   */
  ChangeSet changesSince(VectorClock peer) throws SQLException;

  /**
   * {@link #changesSince(VectorClock)} written to {@code out} in the wire format as it is read from
   * the log, one transaction at a time, so a set far larger than the heap streams out. The stream
   * is flushed, not closed. Returns the number of transactions written.
   */
  int changesSince(VectorClock peer, OutputStream out) throws SQLException;

  /**
   * Merges a change set from another replica, atomically: all of it or, on any error, nothing.
   * Transactions this replica already has are skipped, so applying twice changes nothing. The
   * merged writes are not recorded as local changes; they keep their origin's dots.
   */
  ApplyResult apply(ChangeSet changes) throws SQLException;

  /**
   * Reads a change set in the wire format ({@link ChangeSet#readFrom}) and applies it as it reads,
   * holding one transaction in memory at a time, so sets far larger than the heap go through. Bytes
   * that are not a well-formed change set of a known version are refused with an {@link
   * SQLException} naming the problem, and nothing is applied.
   */
  ApplyResult apply(InputStream wire) throws SQLException;

  /** Sends {@code other} what it lacks and takes what this replica lacks, in that order. */
  SyncResult syncWith(ChoraConnection other) throws SQLException;

  /**
   * The newest clock each peer showed this replica, by the peer's site id: what a peer is known to
   * hold. Learned from {@link #syncWith} and from every applied set; kept locally, never sent.
   */
  Map<String, VectorClock> peerClocks() throws SQLException;

  /**
   * The most recent exchanges with peers ({@code syncWith} on either side, applied sets), newest
   * first, at most {@code limit}; the newest thousand are kept.
   */
  List<SyncEvent> syncHistory(int limit) throws SQLException;

  /**
   * Calls {@code listener} whenever the hub client ({@code chora.hub}) applied changes from another
   * replica to this database; removed when this connection closes. Without a hub it is never
   * called.
   */
  void addRemoteChangeListener(RemoteChangeListener listener) throws SQLException;

  void removeRemoteChangeListener(RemoteChangeListener listener);

  /**
   * Live sync through the hub: connected, caught up, how many of this replica's transactions the
   * hub has not acknowledged yet, the last error.
   */
  HubStatus hubStatus() throws SQLException;

  /**
   * Envelopes from the hub this replica holds back: ones it could not read, decrypt or apply, and
   * the ones that depend on them. They block only their origin's later transactions and what
   * depends on those; everything else goes on applying. Empty when all is well (and always without
   * {@code chora.hub}). See docs/quarantine.md.
   */
  List<QuarantinedEnvelope> quarantined() throws SQLException;

  /**
   * Peers this replica found holding the same clock but other rows in the tables both sync (a bug,
   * or a write past chora's capture), by site, with what differed and when; a later sync that finds
   * them equal removes the entry. Empty when none. See docs/merge-rules.md#divergence.
   */
  Map<String, String> divergences() throws SQLException;

  /** Open conflicts: concurrent writes of one cell, with the value kept and the value lost. */
  List<Conflict> conflicts() throws SQLException;

  /**
   * What this replica keeps aside because it lacks the table or column it is for: peers that run
   * another version of the schema wrote it. Per table, the number of changes (of a missing table)
   * or cells (of missing columns) not in the tables yet; empty when everything received is in them.
   * Kept values are passed on to other replicas and move into the tables when a migration adds what
   * they are for (see docs/schema-changes.md). Native mode refuses such sets instead, so it is
   * always empty there.
   */
  Map<String, Long> heldAside() throws SQLException;

  /** Writes a conflict's lost value back as a new local write (which syncs like any other). */
  void restoreConflict(long id) throws SQLException;

  /** Marks a conflict as seen; its lost value stays lost. */
  void dismissConflict(long id) throws SQLException;

  /**
   * Makes a new replica at {@code target} (a file that must not exist yet) from a consistent
   * snapshot of this one, which may be in use meanwhile: all of its rows and history, under a new
   * site id ({@code site}, or a random one when null). The clone syncs with this replica and every
   * other at once, with nothing to send. This, or a fresh file that syncs or joins a hub, is how a
   * replica is made; a plain file copy works too (chora gives the copy a site of its own on open)
   * but copies a file that may be in the middle of a write. Needs autocommit, outside a
   * transaction. Returns the clone's site id. Java mode only: native mode cannot give a copy of a
   * cr-sqlite database a new site id.
   */
  String cloneTo(java.nio.file.Path target, String site) throws SQLException;

  /**
   * Removes what of chora's own bookkeeping no peer can need any more, whatever its clock: cell
   * conflicts closed as superseded, and logged updates that a change set would no longer tell
   * (their row life ended before the current one began, or, for keys that are not rowids, later
   * writes won every cell they wrote). Every transaction stays (a peer's clock needs each dot), and
   * so do inserts, deletes, open conflicts and everything a peer may still be sent: the replica
   * syncs with any peer as before. Tombstones are not removed (see docs/replicas.md#compaction).
   * Returns the number of rows removed; SQLite reuses their pages (a {@code VACUUM} shrinks the
   * file). Java mode only.
   */
  long compact() throws SQLException;

  /**
   * Repairs a fork with {@code other}: two files that wrote as one site (a copy opened with the
   * original's chora.site, a backup copied over the file, one chora.site on two machines) hold
   * different transactions under the same dots, and sync refuses them by name. This replica's
   * transactions of that site from the first differing dot on move to a new site ({@code newSite},
   * or when null one named after the branch, {@code SITE.fork.<hex>}), unchanged otherwise; if the
   * forked site is this file's own, its future writes go under the new site too. Afterwards the two
   * sync like any replicas and both histories survive. A third replica that already received this
   * side's forked transactions runs the same repair against {@code other}: it moves the same
   * transactions to the same derived name. Refused, changing nothing, when there is no fork. Needs
   * autocommit, outside a transaction. Returns the new site id. Java mode only.
   */
  String repairFork(ChoraConnection other, String newSite) throws SQLException;
}
