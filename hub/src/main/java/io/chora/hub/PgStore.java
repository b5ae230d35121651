package io.chora.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One workspace's log in PostgreSQL, shared by every hub instance on the database.
 *
 * <p>A storing transaction first locks the workspace's row ({@code SELECT … FOR UPDATE}), so the
 * group commits of all instances to one workspace are decided one after another, each against what
 * the ones before it committed: contiguity and causality hold across instances. Arrival ids are
 * taken from that row under the lock, so they increase in commit order and a reader that has seen
 * id n has seen everything committed before it. The transaction ends with a {@code NOTIFY} that
 * PostgreSQL delivers only on commit; the commit is durable ({@code synchronous_commit} on,
 * PostgreSQL's default) before the pushes are acknowledged.
 */
final class PgStore implements LogStore {
  private final String workspace;
  private final DataSource pool;
  private final PgNotifier notifier;
  private final LogQueries queries;
  private final SnapshotRows snapshots;

  PgStore(String workspace, DataSource pool, PgNotifier notifier) {
    this.workspace = workspace;
    this.pool = pool;
    this.notifier = notifier;
    this.queries = LogQueries.scopedTo(workspace);
    this.snapshots = SnapshotRows.scopedTo(workspace);
  }

  @Override
  public long[] append(Decider decider) throws SQLException {
    try (Connection db = pool.getConnection()) {
      db.setAutoCommit(false);
      try {
        long lastId = lockWorkspace(db);
        Decided decided = decider.decide(queries.committedOn(db));
        long[] ids = insert(db, decided.envelopes(), lastId);
        bind(db, decided.bindings());
        if (ids.length > 0) {
          advance(db, ids[ids.length - 1]);
        }
        db.commit();
        return ids;
      } catch (SQLException | RuntimeException e) {
        try {
          db.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  private long lockWorkspace(Connection db) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT last_id FROM workspace WHERE ws = ? FOR UPDATE")) {
      ps.setString(1, workspace);
      try (ResultSet rows = ps.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("workspace " + workspace + " is not in the store");
        }
        return rows.getLong(1);
      }
    }
  }

  private long[] insert(Connection db, List<Envelope> envelopes, long lastId) throws SQLException {
    long[] ids = new long[envelopes.size()];
    Map<String, Long> advanced = new HashMap<>();
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO envelope(ws, id, origin, first, last, deps, payload, nonces)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < envelopes.size(); i++) {
        Envelope envelope = envelopes.get(i);
        ids[i] = lastId + 1 + i;
        ps.setString(1, workspace);
        ps.setLong(2, ids[i]);
        ps.setString(3, envelope.origin());
        ps.setLong(4, envelope.first());
        ps.setLong(5, envelope.last());
        ps.setString(6, envelope.depsJson());
        ps.setString(7, envelope.payload());
        ps.setString(8, NonceLists.format(envelope.nonces()));
        ps.addBatch();
        advanced.merge(envelope.origin(), envelope.last(), Math::max);
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO clock(ws, origin, last) VALUES (?, ?, ?)"
                + " ON CONFLICT (ws, origin) DO UPDATE SET last = excluded.last")) {
      for (Map.Entry<String, Long> entry : advanced.entrySet()) {
        ps.setString(1, workspace);
        ps.setString(2, entry.getKey());
        ps.setLong(3, entry.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return ids;
  }

  private void bind(Connection db, Map<String, String> bindings) throws SQLException {
    if (bindings.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO binding(ws, site, credential, bound_at) VALUES (?, ?, ?, ?)")) {
      long now = System.currentTimeMillis();
      for (Map.Entry<String, String> binding : bindings.entrySet()) {
        ps.setString(1, workspace);
        ps.setString(2, binding.getKey());
        ps.setString(3, binding.getValue());
        ps.setLong(4, now);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Moves the workspace's last id on and tells the other instances, both at commit. */
  private void advance(Connection db, long lastId) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("UPDATE workspace SET last_id = ? WHERE ws = ?")) {
      ps.setLong(1, lastId);
      ps.setString(2, workspace);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = db.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, PgNotifier.CHANNEL);
      ps.setString(2, workspace);
      ps.execute();
    }
  }

  @Override
  public void putSnapshot(Snapshot snapshot) throws SQLException {
    locked(db -> snapshots.put(db, snapshot));
  }

  @Override
  public Snapshot latestSnapshot(boolean withPayload) throws SQLException {
    try (Connection db = pool.getConnection()) {
      return snapshots.latest(db, withPayload);
    }
  }

  @Override
  public Map<String, Long> compactedClock() throws SQLException {
    try (Connection db = pool.getConnection()) {
      return snapshots.compacted(db);
    }
  }

  @Override
  public void recordMembers(Map<String, Member> heard) throws SQLException {
    locked(db -> snapshots.record(db, heard));
  }

  @Override
  public int compact(long activeSince, long now) throws SQLException {
    int[] removed = new int[1];
    locked(db -> removed[0] = Compaction.run(snapshots, db, activeSince, now));
    return removed[0];
  }

  private interface Work {
    void run(Connection db) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction holding the workspace's row, as appends do: a compaction
   * then never removes what a commit of another instance is deciding against.
   */
  private void locked(Work work) throws SQLException {
    try (Connection db = pool.getConnection()) {
      db.setAutoCommit(false);
      try {
        lockWorkspace(db);
        work.run(db);
        db.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          db.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  @Override
  public Map<String, Long> loadClock() throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.loadClock(db);
    }
  }

  @Override
  public Map<String, String> loadBindings() throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.loadBindings(db);
    }
  }

  @Override
  public long lastArrivalId() throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.lastArrivalId(db);
    }
  }

  @Override
  public long count() throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.count(db);
    }
  }

  @Override
  public boolean differsAt(String origin, long seq, long nonce) throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.differsAt(db, origin, seq, nonce);
    }
  }

  @Override
  public long catchUpStart(Map<String, Long> clientClock, Map<String, Long> hubClock)
      throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.catchUpStart(db, clientClock, hubClock);
    }
  }

  @Override
  public Page readAfter(long afterId, Holds holds, int maxRows, long maxBytes) throws SQLException {
    try (Connection db = pool.getConnection()) {
      return queries.readAfter(db, afterId, holds, maxRows, maxBytes);
    }
  }

  @Override
  public long sizeBytes() {
    try (Connection db = pool.getConnection()) {
      return queries.singleLong(
          db,
          "SELECT coalesce(sum(octet_length(payload) + octet_length(deps)"
              + " + coalesce(octet_length(nonces), 0) + 64), 0) FROM envelope WHERE %s 1 = 1");
    } catch (SQLException e) {
      return 0; // metrics only: /health says the store is down
    }
  }

  @Override
  public String problem() {
    return notifier.problem();
  }

  @Override
  public void onStoredElsewhere(Runnable pull) {
    notifier.register(workspace, pull);
  }

  @Override
  public void close() {
    notifier.unregister(workspace);
  }
}
