package io.chora.jdbc.crsqlite;

import io.chora.crsqlite.CrSqlite;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChangeListener;
import io.chora.jdbc.capture.ChangeApplier;
import io.chora.jdbc.capture.SyncHistory;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.ChangeSetWriter;
import io.chora.sync.Conflict;
import io.chora.sync.SyncEvent;
import io.chora.sync.SyncResult;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * A {@code chora.mode=crsqlite} connection: a real sqlite-jdbc connection with cr-sqlite loaded,
 * whose synced tables are CRRs. cr-sqlite's triggers record every write, so statements run as
 * sqlite-jdbc runs them except schema changes ({@link CrrDdl}); the {@link ChoraConnection} API is
 * answered from {@code crsql_changes} ({@link NativeChangeReader}, {@link NativeApplier}) with the
 * clock of {@link NativeClock}.
 */
final class NativeConnection extends JDBC4Connection implements ChoraConnection {
  private static final String NO_LEDGER =
      "chora (crsqlite mode) keeps no conflict ledger: cr-sqlite settles concurrent writes by its"
          + " own rule (causal length, then col_version, then the greater value) and records no"
          + " loser";

  private final String site;
  private final Set<String> tracked;
  private final long maxValueBytes;
  private final CrrCatalog catalog = new CrrCatalog();

  NativeConnection(
      String sqliteUrl,
      String sqliteAddress,
      Properties sqliteProperties,
      Set<String> tracked,
      long maxValueBytes)
      throws SQLException {
    super(sqliteUrl, sqliteAddress, sqliteProperties);
    this.tracked = tracked;
    this.maxValueBytes = maxValueBytes;
    try {
      CrSqlite.load(this);
      NativeSchema.open(this, tracked);
      site = NativeSites.format(siteBytes());
      setFirstStatementExecuted(false); // as fresh as a sqlite-jdbc connection (see java mode)
    } catch (SQLException | RuntimeException e) {
      try {
        close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private byte[] siteBytes() throws SQLException {
    try (PreparedStatement ps = Sql.prepare(this, "SELECT crsql_site_id()");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  Set<String> trackedOption() {
    return tracked;
  }

  // ---- statements and hooks ---------------------------------------------------------------

  @Override
  public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    return new CrrStatement(this);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    return new CrrPreparedStatement(this, sql);
  }

  /**
   * Refused: sqlite-jdbc's commit listener replaces SQLite's commit and rollback hooks, which
   * cr-sqlite uses to move its version on at each commit. With one installed every later commit
   * gets the same version, and a peer that already has that version never receives them.
   */
  @Override
  public void addCommitListener(SQLiteCommitListener listener) {
    throw new UnsupportedOperationException(
        "chora (crsqlite mode): a commit listener would replace the SQLite commit hook that"
            + " cr-sqlite counts versions with, and changes would stop syncing");
  }

  /** cr-sqlite's per-connection statements must go first, or SQLite refuses to close. */
  @Override
  public void close() throws SQLException {
    if (!isClosed()) {
      try {
        Sql.queryLong(this, "SELECT crsql_finalize()");
      } catch (SQLException notLoaded) {
        // cr-sqlite never loaded (a failed open): nothing to finalize
      }
    }
    super.close();
  }

  // ---- ChoraConnection --------------------------------------------------------------------

  @Override
  public String siteId() {
    return site;
  }

  @Override
  public VectorClock clock() throws SQLException {
    return inTransaction("BEGIN", () -> NativeClock.read(this, site, catalog));
  }

  @Override
  public List<String> trackedTables() throws SQLException {
    return List.copyOf(catalog.tables(this).keySet());
  }

  @Override
  public long logSize() throws SQLException {
    return Sql.queryLong(this, "SELECT count(*) FROM crsql_changes");
  }

  @Override
  public ChangeSet changesSince(VectorClock peer) throws SQLException {
    if (peer == null) {
      throw new SQLException("changesSince needs the peer's clock; pass new VectorClock() for all");
    }
    return inTransaction(
        "BEGIN",
        () -> {
          NativeChangeReader reader = new NativeChangeReader(this, site, catalog);
          VectorClock mine = reader.clock();
          List<Transaction> transactions = new ArrayList<>();
          read(reader, peer, transactions::add);
          return new ChangeSet(site, mine, transactions);
        });
  }

  @Override
  public int changesSince(VectorClock peer, OutputStream out) throws SQLException {
    if (peer == null || out == null) {
      throw new SQLException("changesSince needs the peer's clock and a stream to write to");
    }
    return inTransaction(
        "BEGIN",
        () -> {
          NativeChangeReader reader = new NativeChangeReader(this, site, catalog);
          try (ChangeSetWriter writer = new ChangeSetWriter(out, site, reader.clock())) {
            return read(reader, peer, writer::write);
          } catch (IOException e) {
            throw new SQLException("chora: could not write the change set: " + e, "08000", e);
          }
        });
  }

  private static int read(NativeChangeReader reader, VectorClock peer, NativeChangeReader.Sink sink)
      throws SQLException {
    try {
      return reader.read(peer, sink);
    } catch (IOException e) {
      throw new SQLException("chora: could not write the change set: " + e, "08000", e);
    }
  }

  @Override
  public ApplyResult apply(ChangeSet changes) throws SQLException {
    return apply(changes, true);
  }

  private ApplyResult apply(ChangeSet changes, boolean record) throws SQLException {
    if (changes == null) {
      throw new SQLException("apply needs a change set");
    }
    return inTransaction(
        "BEGIN IMMEDIATE",
        () -> {
          ApplyResult result = applier().apply(changes);
          if (record) {
            remember(changes.site(), changes.clock(), 0, result.changes());
          }
          return result;
        });
  }

  @Override
  public ApplyResult apply(InputStream wire) throws SQLException {
    if (wire == null) {
      throw new SQLException("apply needs a stream to read the change set from");
    }
    return inTransaction(
        "BEGIN IMMEDIATE",
        () -> {
          try (ChangeSetReader reader = new ChangeSetReader(wire)) {
            ApplyResult result = applier().apply(reader);
            remember(reader.site(), reader.clock(), 0, result.changes());
            return result;
          } catch (IOException | IllegalArgumentException e) {
            throw ChangeApplier.unreadable(e);
          }
        });
  }

  private NativeApplier applier() throws SQLException {
    return new NativeApplier(this, site, catalog, maxValueBytes);
  }

  /** Records an exchange with {@code peer} and the clock it showed; in a write transaction. */
  private Void remember(String peer, VectorClock peerClock, int sent, int received)
      throws SQLException {
    if (!peer.equals(site)) { // a set this replica wrote itself, read back: not a peer
      SyncHistory.recordPeer(this, peer, peerClock);
      SyncHistory.recordExchange(this, peer, sent, received, 0);
    }
    return null;
  }

  @Override
  public SyncResult syncWith(ChoraConnection other) throws SQLException {
    if (other == null) {
      throw new SQLException("syncWith needs the other replica's connection");
    }
    ChoraConnection peer = other.unwrap(ChoraConnection.class);
    if (!NativeSites.isNative(peer.siteId())) {
      throw new SQLException(
          "chora: cannot sync this cr-sqlite (native mode) replica with chora java-mode replica '"
              + peer.siteId()
              + "': the modes resolve concurrent writes differently and do not exchange changes");
    }
    if (site.equals(peer.siteId())) {
      throw new SQLException(
          "both connections are replica '" + site + "': sync needs two different replicas");
    }
    NativeConnection same = peer instanceof NativeConnection n ? n : null;
    int sent = 0;
    int received = 0;
    // each side's merge moves its own version on, which the other then lacks: a second round
    // carries that (and back what it sent: cr-sqlite does not keep where a merged change came
    // from), which changes nothing, and the clocks agree
    for (int round = 0; round < 4; round++) {
      ChangeSet out = changesSince(peer.clock());
      if (same != null) {
        same.apply(out, false);
      } else {
        peer.apply(out);
      }
      sent += out.size();
      ChangeSet in = peer.changesSince(clock());
      apply(in, false);
      received += in.size();
      if (clock().equals(peer.clock())) {
        break;
      }
    }
    VectorClock mine = clock();
    VectorClock theirs = peer.clock();
    int s = sent;
    int r = received;
    inTransaction("BEGIN IMMEDIATE", () -> remember(peer.siteId(), theirs, s, r));
    if (same != null) {
      same.inTransaction("BEGIN IMMEDIATE", () -> same.remember(site, mine, r, s));
    }
    return new SyncResult(sent, received);
  }

  @Override
  public Map<String, VectorClock> peerClocks() throws SQLException {
    return SyncHistory.peers(this);
  }

  @Override
  public List<SyncEvent> syncHistory(int limit) throws SQLException {
    if (limit < 0) {
      throw new SQLException("syncHistory needs a limit of 0 or more, not " + limit);
    }
    return SyncHistory.recent(this, limit);
  }

  @Override
  public void addRemoteChangeListener(RemoteChangeListener listener) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "chora (crsqlite mode) has no hub client: remote change listeners are not supported");
  }

  @Override
  public void removeRemoteChangeListener(RemoteChangeListener listener) {
    // none can have been added
  }

  @Override
  public HubStatus hubStatus() {
    return HubStatus.NOT_CONFIGURED;
  }

  /** Always empty: see {@link #NO_LEDGER}. */
  @Override
  public List<Conflict> conflicts() {
    return List.of();
  }

  @Override
  public void restoreConflict(long id) throws SQLException {
    throw new SQLException(NO_LEDGER + "; there is no conflict " + id);
  }

  @Override
  public void dismissConflict(long id) throws SQLException {
    throw new SQLException(NO_LEDGER + "; there is no conflict " + id);
  }

  private <T> T inTransaction(String begin, SqlCall<T> work) throws SQLException {
    return SqlTransaction.run(this, begin, work);
  }

  @Override
  public String toString() {
    return "ChoraConnection[mode=crsqlite, site=" + site + ", url=" + getUrl() + "]";
  }
}
