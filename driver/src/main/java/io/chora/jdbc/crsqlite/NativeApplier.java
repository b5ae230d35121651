package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.OwnInserts;
import io.chora.jdbc.seam.SqliteConnection;
import io.chora.sync.ApplyResult;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Merges a native change set into {@code crsql_changes}, inside the caller's transaction: cr-sqlite
 * decides each row and cell by its own rule (causal length, then col_version, then the greater
 * value). A version of the sender this replica holds already is skipped, so a duplicate changes
 * nothing. Afterwards the receiver holds the sender's state and takes on its clock.
 */
final class NativeApplier {
  private static final String INSERT =
      OwnInserts.of(
          "INSERT INTO crsql_changes(\"table\", pk, cid, val, col_version, site_id, cl, seq,"
              + " db_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)"); // 0: a version of this replica

  private final SqliteConnection conn;
  private final String site;
  private final CrrCatalog catalog;
  private final long maxValueBytes;

  NativeApplier(SqliteConnection conn, String site, CrrCatalog catalog, long maxValueBytes) {
    this.conn = conn;
    this.site = site;
    this.catalog = catalog;
    this.maxValueBytes = maxValueBytes;
  }

  private NativeSetCheck check(VectorClock clock) throws SQLException {
    return new NativeSetCheck(site, clock, catalog.tables(conn), maxValueBytes);
  }

  /** Applies a set held in memory, checked whole before anything is written. */
  ApplyResult apply(ChangeSet set) throws SQLException {
    VectorClock clock = NativeClock.read(conn, site, catalog);
    NativeSetCheck.Pass pass = check(clock).begin(set.site(), set.clock());
    for (Transaction tx : set.transactions()) {
      pass.check(tx);
    }
    pass.finish();
    try (Writer writer = new Writer(set.site(), clock)) {
      for (Transaction tx : set.transactions()) {
        writer.write(tx);
      }
      return writer.finish(set.clock());
    }
  }

  /**
   * Applies a set as it is read, one transaction at a time, each checked before it is written; a
   * problem found later fails the apply, and the caller's transaction rolls it back whole.
   */
  ApplyResult apply(ChangeSetReader reader) throws SQLException, IOException {
    VectorClock clock = NativeClock.read(conn, site, catalog);
    NativeSetCheck.Pass pass = check(clock).begin(reader.site(), reader.clock());
    try (Writer writer = new Writer(reader.site(), clock)) {
      while (reader.hasNext()) {
        Transaction tx = reader.next();
        pass.check(tx);
        writer.write(tx);
      }
      pass.finish();
      return writer.finish(reader.clock());
    }
  }

  /** Writes the checked transactions of one sender. */
  private final class Writer implements AutoCloseable {
    private final byte[] sender;
    private final long known;
    private final PreparedStatement insert;
    private int applied;
    private int skipped;
    private int changes;

    Writer(String sender, VectorClock clock) throws SQLException {
      this.sender = NativeSites.parse(sender);
      this.known = clock.get(sender);
      this.insert = Sql.prepare(conn, INSERT);
    }

    void write(Transaction tx) throws SQLException {
      changes += tx.changes().size();
      if (tx.dot().seq() <= known) {
        skipped++; // this replica holds the sender's state at that version already
        return;
      }
      for (Change change : tx.changes()) {
        Object[] row = NativeChanges.toRow(change, sender);
        for (int i = 0; i < row.length; i++) {
          insert.setObject(i + 1, row[i]);
        }
        insert.executeUpdate();
      }
      applied++;
    }

    ApplyResult finish(VectorClock senderClock) throws SQLException {
      NativeClock.merge(conn, senderClock, site);
      return new ApplyResult(applied, skipped, 0, changes);
    }

    @Override
    public void close() throws SQLException {
      insert.close();
    }
  }
}
