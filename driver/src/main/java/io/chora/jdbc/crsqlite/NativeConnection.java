package io.chora.jdbc.crsqlite;

import io.chora.crsqlite.CrSqlite;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChangeListener;
import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.StatementFunnel;
import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.ChangeSetWriter;
import io.chora.sync.Conflict;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sqlite.SQLiteCommitListener;

/**
 * A {@code chora.mode=crsqlite} connection: a real sqlite-jdbc connection with cr-sqlite loaded,
 * whose synced tables are CRRs. cr-sqlite's triggers record every write, so statements run as
 * sqlite-jdbc runs them except schema changes ({@link CrrDdl}); the {@link ChoraConnection} API is
 * answered from {@code crsql_changes} ({@link NativeChangeReader}, {@link NativeApplier}) with the
 * clock of {@link NativeClock}.
 */
final class NativeConnection extends ReplicaConnection {
  private static final String NO_LEDGER =
      "chora (crsqlite mode) keeps no conflict ledger: cr-sqlite settles concurrent writes by its"
          + " own rule (causal length, then col_version, then the greater value) and records no"
          + " loser";

  private final String site;
  private final Set<String> tracked;
  private final long maxValueBytes;
  private final CrrCatalog catalog = new CrrCatalog();
  private final CrrDdl ddl = new CrrDdl(this);

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
      replaceCount("total_changes", ddl::userTotal); // cr-sqlite's clock rows count in SQLite's
      markUnused();
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
  protected boolean isOwnObject(String name) {
    return NativeSchema.isOwn(name);
  }

  @Override
  protected StatementFunnel funnel() {
    return ddl; // null while sqlite-jdbc's constructor runs
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
    return atomically(() -> List.copyOf(catalog.tables(this).keySet())); // a shared cache
  }

  @Override
  public long logSize() throws SQLException {
    return Sql.queryLong(this, "SELECT count(*) FROM crsql_changes");
  }

  @Override
  public boolean captureCurrent() {
    return true; // cr-sqlite keeps its CRRs' bookkeeping itself
  }

  @Override
  public boolean isCopy() {
    return false; // native mode does not remember the file it writes from (cloneTo is java only)
  }

  @Override
  protected ChangeSet readChanges(VectorClock peer) throws SQLException {
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
  protected int writeChanges(VectorClock peer, OutputStream out) throws SQLException {
    return inTransaction(
        "BEGIN",
        () -> {
          NativeChangeReader reader = new NativeChangeReader(this, site, catalog);
          try (ChangeSetWriter writer = new ChangeSetWriter(out, site, reader.clock())) {
            return read(reader, peer, writer::write);
          } catch (IOException e) {
            throw Refusals.unwritable(e);
          }
        });
  }

  private static int read(NativeChangeReader reader, VectorClock peer, NativeChangeReader.Sink sink)
      throws SQLException {
    try {
      return reader.read(peer, sink);
    } catch (IOException e) {
      throw Refusals.unwritable(e);
    }
  }

  @Override
  protected ApplyResult applySet(ChangeSet changes, boolean record) throws SQLException {
    return inWriteTransaction(
        () -> {
          ApplyResult result = applier().apply(changes);
          if (record) {
            remember(changes.site(), changes.clock(), 0, result.changes(), 0);
          }
          return result;
        });
  }

  @Override
  protected ApplyResult applyStream(InputStream wire) throws SQLException {
    return inWriteTransaction(
        () -> {
          try (ChangeSetReader reader = new ChangeSetReader(wire, maxValueBytes)) {
            ApplyResult result = applier().apply(reader);
            remember(reader.site(), reader.clock(), 0, result.changes(), 0);
            return result;
          } catch (IOException | IllegalArgumentException e) {
            throw Refusals.unreadable(e);
          }
        });
  }

  private NativeApplier applier() throws SQLException {
    return new NativeApplier(this, site, catalog, maxValueBytes);
  }

  /** Native mode syncs with native mode only: refused by name before anything is read. */
  @Override
  protected void checkPeer(ChoraConnection peer) throws SQLException {
    if (!NativeSites.isNative(peer.siteId())) {
      throw new SQLException(
          "chora: cannot sync this cr-sqlite (native mode) replica with chora java-mode replica '"
              + peer.siteId()
              + "': the modes resolve concurrent writes differently and do not exchange changes");
    }
  }

  @Override
  protected <T> T inWriteTransaction(SqlAction<T> work) throws SQLException {
    return inTransaction("BEGIN IMMEDIATE", work);
  }

  /** None: native mode's transactions carry no nonces. */
  @Override
  public java.util.Map<String, io.chora.sync.Head> ownHeads() {
    return java.util.Map.of();
  }

  /** None: a native replica keeps its site id (see {@link #cloneTo}). */
  @Override
  public List<String> formerSiteIds() {
    return List.of();
  }

  @Override
  protected <T> T readingOwnState(SqlAction<T> work) throws SQLException {
    return atomically(work);
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

  /** Always empty: native mode refuses a set for tables or columns it lacks. */
  @Override
  public Map<String, Long> heldAside() {
    return Map.of();
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
  public String cloneTo(java.nio.file.Path target, String site) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "chora (crsqlite mode) cannot clone: a copy of a cr-sqlite database keeps its site id,"
            + " and cr-sqlite 0.16 gives no safe way to change it; make a new native replica from"
            + " an empty file with the same tables and syncWith this one");
  }

  @Override
  public long compact() throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "chora (crsqlite mode) does not compact: cr-sqlite keeps its own clock tables and"
            + " tombstones");
  }

  /** Native mode keeps no hub record: its schema is cr-sqlite's to track. */
  @Override
  public void rememberHub(
      String endpoint,
      String state,
      io.chora.sync.VectorClock hubClock,
      java.util.Map<String, io.chora.sync.VectorClock> peers) {}

  @Override
  protected void makeLateTables() throws SQLException {
    try (java.sql.Statement st = createStatement()) {
      for (String ddl : io.chora.jdbc.shared.SyncHistory.LATE_TABLES) {
        st.execute(ddl);
      }
    }
  }

  @Override
  public String repairFork(ChoraConnection other, String newSite) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "chora (crsqlite mode) cannot tell or repair a fork: cr-sqlite's changes carry no nonces"
            + " and its site id cannot be changed; see docs/known-limits.md");
  }

  @Override
  public void dismissConflict(long id) throws SQLException {
    throw new SQLException(NO_LEDGER + "; there is no conflict " + id);
  }

  private <T> T inTransaction(String begin, SqlAction<T> work) throws SQLException {
    return SqlTransaction.run(this, begin, work);
  }

  @Override
  public String toString() {
    return "ChoraConnection[mode=crsqlite, site=" + site + ", url=" + getUrl() + "]";
  }
}
