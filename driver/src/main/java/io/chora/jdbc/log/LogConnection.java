package io.chora.jdbc.log;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChangeListener;
import io.chora.jdbc.hub.HubClients;
import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.StatementFunnel;
import io.chora.jdbc.seam.SteppedStatement;
import io.chora.jdbc.shared.ChoraOptions;
import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.jdbc.shared.SiteIds;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.Conflict;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A java-mode connection: its statements capture changes (writes, DDL and transaction control go
 * through {@link CaptureSession}, reads run as sqlite-jdbc runs them), and the {@link
 * ChoraConnection} API is answered from the log ({@link ChangeLog}), the merge ({@link
 * ChangeApplier}) and the ledger ({@link Ledger}).
 */
public final class LogConnection extends ReplicaConnection {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc");

  /**
   * The site as last read from chora_meta; {@link #site()} follows a change by another connection.
   */
  private volatile String site;

  private final long maxValueBytes;
  private final CaptureSession session;
  private final GeneratedKeys keys;
  private final TrackedTables tracked = new TrackedTables();
  private final LogDigest digest;
  private Savepoint outermostSavepoint;
  private final HubClients.Lease hub;

  public LogConnection(ChoraOptions options) throws SQLException {
    super(options.sqliteUrl, options.sqliteAddress, options.sqliteProperties);
    this.maxValueBytes = options.maxValueBytes;
    this.digest = LogDigest.of(options.sqliteAddress);
    try {
      // before open(), which may commit a marker (rows other programs wrote meanwhile)
      org.sqlite.Function.create(this, NextHlcFunction.NAME, new NextHlcFunction(), 1, 0);
      org.sqlite.Function.create(this, NonceFunction.NAME, new NonceFunction(), 0, 0);
      this.site = open(options);
      this.keys = site == null ? null : new GeneratedKeys(this, tracked, options.sqliteAddress);
      if (keys != null) {
        addCommitListener(
            new SQLiteCommitListener() {
              @Override
              public void onCommit() {
                keys.committed();
              }

              @Override
              public void onRollback() {
                keys.rolledBack();
              }
            });
      }
      // open() ran chora's statements; the connection reaches the application as fresh as a
      // sqlite-jdbc one, or with jdbc.explicit_readonly setReadOnly() and the first write
      // transaction would be refused as if the application had already run a statement
      CounterCapture counting = new CounterCapture(options.counters);
      if (site != null && counting.any()) {
        counting.register(this);
        counting.install(this, tracked.get(this)); // this connection's TEMP triggers
      }
      markUnused();
      this.session =
          site == null
              ? null
              : new CaptureSession(this, options.tables, options.sqliteAddress, keys, counting);
      if (session != null) {
        // the commit marker is a statement of its own, and capture's rows count in SQLite's total
        replaceCount("changes", session::userChanges);
        replaceCount("total_changes", session::userTotal);
      }
      this.hub = session == null || options.hub == null ? null : joinHub(options);
    } catch (SQLException | RuntimeException e) {
      super.close();
      throw e;
    }
  }

  /**
   * Makes sure chora's tables and triggers are current and returns the site id. Usually a quick
   * read shows that nothing is to do; otherwise one write transaction creates what is missing and
   * adopts rows written while chora was away. Null for a read-only database chora never set up.
   */
  private String open(ChoraOptions options) throws SQLException {
    try (Statement st = plainStatement()) {
      boolean setUp;
      st.execute("BEGIN");
      try {
        setUp = CaptureSchema.isReady(this);
        if (setUp
            && CaptureSchema.hasLostValueStamps(this)
            && TriggerSync.isCurrent(this, options.tables)
            && SiteIdentity.holds(this, options.site)) {
          return CaptureSchema.meta(this, SiteIdentity.SITE);
        }
      } finally {
        st.execute("COMMIT");
      }
      try {
        st.execute("BEGIN IMMEDIATE");
        boolean firstOpen = !CaptureSchema.exists(this);
        CaptureSchema.create(this);
        String siteId = SiteIdentity.decide(this, options.site, options.sqliteAddress);
        Map<Long, TableInfo> tracked =
            TriggerSync.sync(this, options.tables, options.sqliteAddress);
        GeneratedKeys.schemaChanged(options.sqliteAddress); // open connections read tables again
        if (firstOpen) {
          Baseline.commit(this, tracked); // rows the file held before chora: a shared baseline
        }
        fillAtOpen(
            tracked,
            siteId,
            options.sqliteAddress); // another program's migration may let kept changes in
        try (SteppedStatement mark = new SteppedStatement(this, CaptureSchema.MARK_COMMIT)) {
          mark.run(); // rows logged while chora was away become a local commit
        }
        st.execute("COMMIT");
        return siteId;
      } catch (SQLException | RuntimeException e) {
        rollback(st);
        if (isReadOnlyError(e) && setUp) {
          // a read-only open of a replica that was copied, asked for another chora.site, or has
          // triggers to bring up to date (its schema changed, or an older driver made them): it
          // cannot write, so that waits for a writing open; reading needs none of it
          return CaptureSchema.meta(this, SiteIdentity.SITE);
        }
        if (isReadOnlyError(e)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "chora: {0} is read-only and not set up for chora: capture is off",
              options.sqliteAddress);
          return null;
        }
        throw e;
      }
    }
  }

  /**
   * Joins the hub client of this database (starting it for the first connection): it applies what
   * the hub sends on its own connection, and this connection's commits tell it to push.
   */
  private HubClients.Lease joinHub(ChoraOptions options) throws SQLException {
    ChoraOptions own = options.withoutHub();
    HubClients.Lease lease = HubClients.acquire(options.hub, () -> new LogConnection(own), this);
    addOwnCommitListener(
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            lease.committed();
          }

          @Override
          public void onRollback() {}
        });
    return lease;
  }

  private static boolean isReadOnlyError(Exception e) {
    return e instanceof SQLiteException s
        && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_READONLY.code;
  }

  private static void rollback(Statement st) {
    try {
      st.execute("ROLLBACK");
    } catch (SQLException notInTransaction) {
      // BEGIN itself failed: nothing to undo
    }
  }

  @Override
  protected boolean isOwnObject(String name) {
    return TriggerSync.isOwnTable(name);
  }

  @Override
  protected StatementFunnel funnel() {
    return session; // null while sqlite-jdbc's constructor runs, and for a read-only file
  }

  // ---- transactions -----------------------------------------------------------------------

  // Each method below is one step against other threads sharing the connection (see
  // CaptureSession): the marker and the commit it belongs to are never split.

  @Override
  public void close() throws SQLException {
    if (session != null && !isClosed()) {
      session.closing();
    }
    try {
      super.close();
    } finally {
      if (hub != null) {
        hub.close();
      }
    }
  }

  @Override
  public void commit() throws SQLException {
    atomically(
        () -> {
          if (session != null && !getAutoCommit()) {
            session.finishPendingCommit();
            session.beforeCommit();
          }
          super.commit();
          return null;
        });
  }

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    atomically(
        () -> {
          if (session != null && autoCommit && !getAutoCommit()) {
            session.beforeCommit(); // switching autocommit on commits the open transaction
          }
          super.setAutoCommit(autoCommit);
          return null;
        });
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    return atomically(() -> remember(opensTransaction(), super.setSavepoint()));
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    return atomically(() -> remember(opensTransaction(), super.setSavepoint(name)));
  }

  private boolean opensTransaction() throws SQLException {
    return getAutoCommit() && (session == null || !session.inSqlTransaction());
  }

  /** A savepoint set outside any transaction opened one: releasing it commits. */
  private Savepoint remember(boolean openedTransaction, Savepoint savepoint) {
    if (openedTransaction) {
      outermostSavepoint = savepoint;
    }
    return savepoint;
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    atomically(
        () -> {
          boolean commits = session != null && savepoint == outermostSavepoint;
          if (commits) {
            session.beforeCommit();
          }
          super.releaseSavepoint(savepoint);
          if (commits) {
            outermostSavepoint = null;
          }
          return null;
        });
  }

  // ---- ChoraConnection --------------------------------------------------------------------

  @Override
  public String siteId() {
    try {
      return session == null ? site : site();
    } catch (SQLException e) {
      return site; // a closed connection still tells which site it wrote as
    }
  }

  /**
   * The site this file writes as now. Another connection may have moved the file to a new site (a
   * fork repair, a new chora.site) while this one stayed open: a point read on the sync paths keeps
   * their clock and sets right; commits need none, as the marker trigger reads chora_meta itself.
   */
  private String site() throws SQLException {
    String stored = requireCapture().internal(() -> CaptureSchema.meta(this, SiteIdentity.SITE));
    if (stored != null) {
      site = stored;
    }
    return site;
  }

  @Override
  public VectorClock clock() throws SQLException {
    return requireCapture().internal(() -> new ChangeLog(this, site()).clock());
  }

  /** Whether {@code table} (any case) is tracked: its writes are captured and sync. */
  boolean tracks(String table) throws SQLException {
    for (TableInfo info : tracked.get(this).values()) {
      if (info.name().equalsIgnoreCase(table)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> trackedTables() throws SQLException {
    return requireCapture()
        .internal(() -> tracked.get(this).values().stream().map(TableInfo::name).sorted().toList());
  }

  /** Kept up to date from the log: only buckets of rows logged since are read again. */
  @Override
  protected io.chora.jdbc.shared.DigestSource digests() {
    return new io.chora.jdbc.shared.DigestSource() {
      @Override
      public io.chora.jdbc.shared.StateDigest.Read read() throws SQLException {
        return requireCapture()
            .internal(() -> digest.current(LogConnection.this, tracked.get(LogConnection.this)));
      }

      @Override
      public long cost() throws SQLException {
        return requireCapture().internal(() -> digest.cost(LogConnection.this));
      }
    };
  }

  @Override
  public long logSize() throws SQLException {
    return requireCapture().internal(() -> new ChangeLog(this, site()).rowChanges());
  }

  /** The test each open makes to decide whether the triggers need rebuilding (TriggerSync). */
  @Override
  public boolean captureCurrent() throws SQLException {
    return requireCapture().internal(() -> TriggerSync.isCurrent(this, null));
  }

  @Override
  public boolean isCopy() throws SQLException {
    return requireCapture().internal(() -> SiteIdentity.isCopy(this));
  }

  @Override
  protected ChangeSet readChanges(VectorClock peer) throws SQLException {
    VectorClock mine = clock();
    if (mine.isCoveredBy(peer) && !pendingLogRows()) {
      // nothing to send: no write lock, no fold; the heads still let the peer tell a fork
      return requireCapture()
          .internal(
              () -> new ChangeSet(site(), mine, List.of(), ForkCheck.heads(this, mine, peer)));
    }
    return inReadTransaction(
        () -> new ChangeLog(this, site()).changesSince(peer, tracked.get(this), true));
  }

  @Override
  public ChangeSet transactionsSince(VectorClock peer) throws SQLException {
    if (peer == null) {
      return changesSince(null); // its refusal
    }
    return inReadTransaction(
        () -> new ChangeLog(this, site()).changesSince(peer, tracked.get(this), false));
  }

  @Override
  protected int writeChanges(VectorClock peer, OutputStream out) throws SQLException {
    return writeChanges(peer, out, true);
  }

  /** {@code setBased} false: each row by its own look-ups, the reference for {@link SentRows}. */
  int writeChanges(VectorClock peer, OutputStream out, boolean setBased) throws SQLException {
    VectorClock mine = clock();
    if (mine.isCoveredBy(peer) && !pendingLogRows()) {
      // as readChanges: an empty set with the heads, no write lock, no fold
      return requireCapture()
          .internal(
              () -> {
                try {
                  new io.chora.sync.ChangeSetWriter(
                          out, site(), mine, ForkCheck.heads(this, mine, peer))
                      .close();
                } catch (IOException e) {
                  throw Refusals.unwritable(e);
                }
                return 0;
              });
    }
    return inReadTransaction(
        () ->
            new ChangeLog(this, site(), setBased).writeChangesSince(peer, tracked.get(this), out));
  }

  /**
   * Reading a change set: in a write transaction (which first adopts rows other programs logged) on
   * a read-write connection; on a read-only one in a read transaction that writes nothing to the
   * file ({@link ReadOnlyReads}), without those rows.
   */
  private <T> T inReadTransaction(SqlAction<T> work) throws SQLException {
    if (!isReadOnly()) {
      return inWriteTransaction(work);
    }
    return requireCapture()
        .internal(
            () -> {
              try (Statement st = plainStatement()) {
                return ReadOnlyReads.run(st, work);
              }
            });
  }

  @Override
  protected ApplyResult applyStream(InputStream wire) throws SQLException {
    return inWriteTransaction(
        () -> {
          try (ChangeSetReader reader = new ChangeSetReader(wire, maxValueBytes)) {
            ApplyResult result =
                new ChangeApplier(this, site(), maxValueBytes, tracked.get(this)).apply(reader);
            giveUpSharedKeyBlocks();
            remember(reader.site(), reader.clock(), 0, result.changes(), result.conflicts());
            return result;
          } catch (IOException | IllegalArgumentException e) {
            throw Refusals.unreadable(e);
          }
        });
  }

  @Override
  protected ApplyResult applySet(ChangeSet changes, boolean record) throws SQLException {
    return applySet(changes, record, true);
  }

  /** {@code shortcuts} false: no {@link FreshTables}, the reference the tests compare with. */
  ApplyResult applySet(ChangeSet changes, boolean record, boolean shortcuts) throws SQLException {
    if (changes.isEmpty() && !pendingLogRows()) { // checked all the same, no write lock taken
      return requireCapture()
          .internal(() -> new ChangeApplier(this, site(), maxValueBytes, Map.of()).apply(changes));
    }
    return inWriteTransaction(
        () -> {
          ApplyResult result =
              new ChangeApplier(this, site(), maxValueBytes, tracked.get(this), shortcuts)
                  .apply(changes);
          giveUpSharedKeyBlocks();
          if (record) {
            remember(changes.site(), changes.clock(), 0, result.changes(), result.conflicts());
          }
          return result;
        });
  }

  /**
   * A column was just added to {@code table}: the rows that live already hold only its default,
   * which no write set. Folds what was committed first (under the columns it was written with),
   * then says so for each row, so that the row's insert, made before the column existed, does not
   * count as writing it: any write of the column beats the default, as on replicas that added the
   * column after receiving the row (MergeState.DEFAULT_ONLY).
   */
  void columnAdded(String table, String column) throws SQLException {
    Map<Long, TableInfo> tables = tracked.get(this);
    Long id = null;
    for (Map.Entry<Long, TableInfo> e : tables.entrySet()) {
      if (e.getValue().name().equalsIgnoreCase(table)) {
        id = e.getKey();
      }
    }
    if (id == null) {
      return;
    }
    try (RowReader rows = new RowReader(this);
        MergeState state = new MergeState(this)) {
      state.fold(tables, rows::exists);
      state.defaultsOnly(id, column);
    }
    // what the log holds so far was written without the column (ChangeAssembler)
    CaptureSchema.setMeta(
        this, MergeState.ADDED_PREFIX + id + ":" + column, CaptureSchema.lastLogId(this));
  }

  /**
   * Merges the changes kept aside for tables and columns this replica lacked ({@link SetAside})
   * that the schema now has: called inside the transaction of a migration, right after the
   * statement that added them. A failure undoes the fill alone and throws, naming the cause.
   */
  void fillSetAside() throws SQLException {
    fill(tracked.get(this), site());
    giveUpSharedKeyBlocks();
  }

  /**
   * At open, after another program changed the schema: a fill the new schema refuses must not lock
   * the application out of its file, so what cannot go in stays kept (chora status shows it) and
   * the next migration through the driver tries again.
   */
  private void fillAtOpen(Map<Long, TableInfo> tables, String siteId, String label)
      throws SQLException {
    try {
      fill(tables, siteId);
    } catch (SQLException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "chora: {0}: changes kept for tables or columns this replica lacked cannot go into the"
              + " schema another program changed; they stay kept (see chora status): {1}",
          label,
          e.getMessage());
    }
  }

  private void fill(Map<Long, TableInfo> tables, String siteId) throws SQLException {
    Map<String, TableInfo> byName = new HashMap<>();
    tables.values().forEach(t -> byName.put(t.name(), t));
    try (SetAside aside = new SetAside(this)) {
      List<SetAside.Fill> fills = aside.pending(byName);
      if (fills.isEmpty()) {
        return;
      }
      try (Statement st = plainStatement()) {
        st.execute("SAVEPOINT chora_fill");
        try {
          new ChangeApplier(this, siteId, maxValueBytes, tables).fill(aside, fills);
        } catch (SQLException | RuntimeException e) {
          st.execute("ROLLBACK TO chora_fill");
          st.execute("RELEASE chora_fill");
          throw new SQLException(
              "chora: the schema change could not take the "
                  + fills.size()
                  + " change(s) kept for tables or columns this replica lacked (see chora"
                  + " status): "
                  + e.getMessage()
                  + "; nothing of them was merged: roll the migration back and fix it",
              e);
        }
        st.execute("RELEASE chora_fill");
      }
    }
  }

  /** See {@link KeyBlocks#giveUpIfShared}. */
  private void giveUpSharedKeyBlocks() throws SQLException {
    if (keys != null) {
      keys.afterMerge(site());
    }
  }

  /** The site as last read, without reading it again: for the hot path of generated keys. */
  String knownSite() {
    return site;
  }

  /**
   * Java mode syncs with java mode; a native peer refuses this replica's set by name. A java peer
   * whose log forks from this one is refused here, naming the first dot that differs (a set's heads
   * alone show only that the histories differ at or before the lower head).
   */
  @Override
  protected void checkPeer(ChoraConnection peer) throws SQLException {
    requireCapture();
    if (peer instanceof LogConnection other) {
      // both monitors, always taken in one order: two threads syncing the pair in opposite
      // directions must not each hold one and wait for the other
      LogConnection first =
          System.identityHashCode(this) <= System.identityHashCode(other) ? this : other;
      LogConnection second = first == this ? other : this;
      List<ForkRepair.Fork> forks =
          first.readingOwnState(() -> second.readingOwnState(() -> ForkRepair.find(this, other)));
      if (!forks.isEmpty()) {
        throw ForkRepair.refusal(getUrl(), other.getUrl(), forks);
      }
    }
  }

  @Override
  public Map<String, io.chora.sync.Head> ownHeads() throws SQLException {
    return readingOwnState(
        () -> {
          VectorClock mine = clock();
          Map<String, Long> own = new java.util.HashMap<>();
          for (String s : SiteIdentity.formerSites(this)) {
            own.put(s, mine.get(s));
          }
          String now = site();
          own.put(now, mine.get(now));
          return ForkCheck.heads(this, mine, VectorClock.of(own));
        });
  }

  @Override
  public List<String> formerSiteIds() throws SQLException {
    return readingOwnState(() -> SiteIdentity.formerSites(this));
  }

  @Override
  protected <T> T readingOwnState(SqlAction<T> work) throws SQLException {
    return requireCapture().internal(work);
  }

  @Override
  public void addRemoteChangeListener(RemoteChangeListener listener) throws SQLException {
    if (listener == null) {
      throw Refusals.missing("addRemoteChangeListener", "a listener");
    }
    checkNotClosed();
    if (hub != null) {
      hub.addListener(listener);
    }
  }

  @Override
  public void removeRemoteChangeListener(RemoteChangeListener listener) {
    if (hub != null) {
      hub.removeListener(listener);
    }
  }

  @Override
  public HubStatus hubStatus() throws SQLException {
    return hub == null ? HubStatus.NOT_CONFIGURED : hub.status(site(), clock());
  }

  @Override
  public List<Conflict> conflicts() throws SQLException {
    return requireCapture().internal(() -> Ledger.list(this, true));
  }

  @Override
  public Map<String, Long> heldAside() throws SQLException {
    return requireCapture().internal(() -> SetAside.held(this));
  }

  @Override
  public void restoreConflict(long id) throws SQLException {
    inWriteTransaction(() -> LedgerActions.restore(this, tracked.get(this), id));
  }

  @Override
  public String cloneTo(java.nio.file.Path target, String site) throws SQLException {
    return Cloning.cloneTo(this, target, site, () -> inWriteTransaction(() -> null));
  }

  @Override
  public long compact() throws SQLException {
    return inWriteTransaction(
        () -> {
          if (!hasLiveConflictIndex()) { // a file an older chora set up: made now, stamped as ours
            boolean current = TriggerSync.isCurrent(this, null);
            try (Statement st = plainStatement()) {
              CaptureSchema.createLiveConflictIndex(st);
            }
            if (current) {
              TriggerSync.stampSchemaVersion(this);
            }
          }
          return Compaction.run(this, tracked.get(this));
        });
  }

  private boolean hasLiveConflictIndex() throws SQLException {
    try (Statement st = plainStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "SELECT 1 FROM main.sqlite_schema WHERE name = '" + OpenConflicts.INDEX + "'")) {
      return rs.next();
    }
  }

  /**
   * A table made after setup changes the schema version that tells an open whether its triggers are
   * current: restamped, or the next open (a read-only one too) would think the schema moved.
   */
  @Override
  protected void makeLateTables() throws SQLException {
    requireCapture()
        .internal(
            () -> {
              boolean current = TriggerSync.isCurrent(this, null);
              try (Statement st = plainStatement()) {
                for (String ddl : io.chora.jdbc.shared.SyncHistory.LATE_TABLES) {
                  st.execute(ddl);
                }
              }
              if (current) {
                TriggerSync.stampSchemaVersion(this);
              }
              return null;
            });
  }

  @Override
  public String repairFork(ChoraConnection other, String newSite) throws SQLException {
    if (other == null) {
      throw Refusals.missing("repairFork", "the other replica's connection");
    }
    SiteIds.checkOption(newSite);
    LogConnection peer =
        other.isWrapperFor(LogConnection.class) ? other.unwrap(LogConnection.class) : null;
    if (peer == null) {
      throw new SQLException(
          "chora: repairFork compares two java-mode replicas' logs; native mode has no nonces to"
              + " tell a fork by");
    }
    String moved =
        inWriteTransaction(
            () -> {
              List<ForkRepair.Fork> forks = peer.readingOwnState(() -> ForkRepair.find(this, peer));
              if (forks.isEmpty()) {
                throw new SQLException(
                    "chora: no fork: this replica and '"
                        + peer.siteId()
                        + "' hold the same transaction under every dot both hold; nothing was"
                        + " changed");
              }
              if (newSite != null && forks.size() > 1) {
                throw new SQLException(
                    "chora: the two replicas fork on "
                        + forks.size()
                        + " sites; leave the new site's name out so each gets its own");
              }
              try (RowReader rows = new RowReader(this);
                  MergeState state = new MergeState(this)) {
                state.fold(tracked.get(this), rows::exists); // every version in the state
              }
              VectorClock theirs = peer.readingOwnState(peer::clock);
              String last = null;
              for (ForkRepair.Fork fork : forks) {
                VectorClock mine = new ChangeLog(this, site()).clock();
                last = ForkRepair.repair(this, peer, fork, newSite, mine, theirs);
                LOG.log(
                    System.Logger.Level.WARNING,
                    "chora: {0}: this replica''s transactions of site ''{1}'' from {2} on now"
                        + " belong to site ''{3}'' (fork repair); sync to take the other file''s",
                    getUrl(),
                    fork.site(),
                    fork.dot(),
                    last);
              }
              return last;
            });
    site();
    if (hub != null) {
      hub.committed(); // the hub client notices the new site and says hello again
    }
    return moved;
  }

  @Override
  public void dismissConflict(long id) throws SQLException {
    inWriteTransaction(() -> LedgerActions.dismiss(this, id));
  }

  private CaptureSession requireCapture() throws SQLException {
    if (session == null) {
      throw new SQLException(
          "chora capture is off for this read-only database: open it once"
              + " read-write through jdbc:chora: to set it up");
    }
    return session;
  }

  /**
   * Runs chora's own reads and writes atomically: its own write transaction, or a savepoint inside
   * the application's open one. Local rows it writes get a commit marker.
   */
  @Override
  protected <T> T inWriteTransaction(SqlAction<T> work) throws SQLException {
    CaptureSession capture = requireCapture();
    return capture.internal(
        () -> {
          boolean own = getAutoCommit() && !capture.inSqlTransaction();
          try (Statement st = plainStatement()) {
            st.execute(own ? "BEGIN IMMEDIATE" : "SAVEPOINT chora_merge");
            T result;
            try {
              if (own) {
                capture.mark(); // rows other programs logged since: adopted as their transaction
              }
              result = work.run();
              if (own) {
                capture.mark();
              }
            } catch (SQLException | RuntimeException e) {
              undo(st, own, e);
              throw e;
            }
            try {
              st.execute(own ? "COMMIT" : "RELEASE chora_merge");
            } catch (SQLException e) { // e.g. a deferred foreign key: SQLite keeps it open
              undo(st, own, e);
              throw e;
            }
            return result;
          }
        });
  }

  /**
   * Whether the log has rows after its last commit marker: writes of other programs not yet
   * adopted, which the fast paths must not skip.
   */
  private boolean pendingLogRows() throws SQLException {
    return requireCapture().internal(() -> CaptureSchema.openTransactionLogged(this));
  }

  private static void undo(Statement st, boolean own, Exception cause) {
    try {
      if (own) {
        st.execute("ROLLBACK");
      } else {
        st.execute("ROLLBACK TO chora_merge");
        st.execute("RELEASE chora_merge");
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "ChoraConnection[site=" + site + ", url=" + getUrl() + "]";
  }
}
