package io.chora.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * One workspace's log in its own SQLite file: the envelopes in arrival order (a causal order, as
 * the hub admits an envelope only once its dependencies are stored) and the clock they add up to.
 *
 * <p>WAL with {@code synchronous=FULL}: a commit returns only once it is on disk, so an envelope is
 * durable when {@link #append} returns and may then be acknowledged. Appends come from one thread
 * at a time (the workspace's writer); reads of the log take their own connection, which WAL lets
 * run beside the writer. The default store: one hub, one machine.
 */
final class WorkspaceStore implements LogStore {
  private static final int SCHEMA_VERSION = 2;
  private static final LogQueries QUERIES = LogQueries.unscoped();
  private static final SnapshotRows SNAPSHOTS = SnapshotRows.unscoped();

  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final PreparedStatement insertEnvelope;
  private final PreparedStatement upsertClock;

  private WorkspaceStore(Path file, Connection writer, Connection reader) throws SQLException {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
    this.insertEnvelope =
        writer.prepareStatement(
            "INSERT INTO envelope(origin, first, last, deps, payload, nonces)"
                + " VALUES (?, ?, ?, ?, ?, ?)"
                + " RETURNING id");
    this.upsertClock =
        writer.prepareStatement(
            "INSERT INTO clock(origin, last) VALUES (?, ?)"
                + " ON CONFLICT(origin) DO UPDATE SET last = excluded.last");
  }

  /** Opens the log in {@code file}, creating it if needed. */
  static WorkspaceStore open(Path file) throws SQLException, IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection writer = config.createConnection(url);
    try {
      createSchema(writer);
      writer.setAutoCommit(false);
      Connection reader = config.createConnection(url);
      return new WorkspaceStore(file, writer, reader);
    } catch (SQLException e) {
      writer.close();
      throw e;
    }
  }

  private static void createSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "CREATE TABLE IF NOT EXISTS envelope("
              + " id INTEGER PRIMARY KEY," // arrival order
              + " origin TEXT NOT NULL,"
              + " first INTEGER NOT NULL,"
              + " last INTEGER NOT NULL,"
              + " deps TEXT NOT NULL,"
              + " payload TEXT NOT NULL,"
              + " nonces TEXT)");
      // a log made before envelopes had nonces
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT 1 FROM pragma_table_info('envelope') WHERE name = 'nonces'")) {
        if (!rs.next()) {
          statement.executeUpdate("ALTER TABLE envelope ADD COLUMN nonces TEXT");
        }
      }
      // an origin's envelopes are contiguous and disjoint, so (origin, last) is unique; the index
      // also finds where a client's catch-up starts
      statement.executeUpdate(
          "CREATE UNIQUE INDEX IF NOT EXISTS envelope_by_origin ON envelope(origin, last)");
      statement.executeUpdate(
          "CREATE TABLE IF NOT EXISTS clock(origin TEXT PRIMARY KEY, last INTEGER NOT NULL)"
              + " WITHOUT ROWID");
      BindingTable.create(statement);
      createSnapshotTables(statement);
      statement.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** Version 2: snapshots and compaction ({@link SnapshotRows}). */
  private static void createSnapshotTables(Statement statement) throws SQLException {
    statement.executeUpdate(
        "CREATE TABLE IF NOT EXISTS snapshot(site TEXT NOT NULL, clock TEXT NOT NULL,"
            + " payload TEXT NOT NULL, at_id INTEGER NOT NULL, stored_at INTEGER NOT NULL)");
    statement.executeUpdate(
        "CREATE TABLE IF NOT EXISTS compacted(origin TEXT PRIMARY KEY, last INTEGER NOT NULL)");
    statement.executeUpdate(
        "CREATE TABLE IF NOT EXISTS member(site TEXT PRIMARY KEY, clock TEXT NOT NULL,"
            + " seen_at INTEGER NOT NULL)");
    statement.executeUpdate("CREATE TABLE IF NOT EXISTS tracking(since INTEGER NOT NULL)");
  }

  @Override
  public void putSnapshot(Snapshot snapshot) throws SQLException {
    inWriter(db -> SNAPSHOTS.put(db, snapshot));
  }

  @Override
  public Snapshot latestSnapshot(boolean withPayload) throws SQLException {
    synchronized (reader) {
      return SNAPSHOTS.latest(reader, withPayload);
    }
  }

  @Override
  public Map<String, Long> compactedClock() throws SQLException {
    synchronized (reader) {
      return SNAPSHOTS.compacted(reader);
    }
  }

  @Override
  public void recordMembers(Map<String, Member> heard) throws SQLException {
    inWriter(db -> SNAPSHOTS.record(db, heard));
  }

  @Override
  public int compact(long activeSince, long now) throws SQLException {
    int[] removed = new int[1];
    inWriter(db -> removed[0] = Compaction.run(SNAPSHOTS, db, activeSince, now));
    return removed[0];
  }

  private interface Work {
    void run(Connection db) throws SQLException;
  }

  /** Runs {@code work} in one durable transaction on the writer, beside the appends. */
  private void inWriter(Work work) throws SQLException {
    synchronized (writer) {
      try {
        work.run(writer);
        writer.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(e);
        throw e;
      }
    }
  }

  @Override
  public Map<String, Long> loadClock() throws SQLException {
    synchronized (reader) {
      return QUERIES.loadClock(reader);
    }
  }

  @Override
  public Map<String, String> loadBindings() throws SQLException {
    synchronized (reader) {
      return QUERIES.loadBindings(reader);
    }
  }

  @Override
  public long lastArrivalId() throws SQLException {
    synchronized (reader) {
      return QUERIES.lastArrivalId(reader);
    }
  }

  @Override
  public long count() throws SQLException {
    synchronized (reader) {
      return QUERIES.count(reader);
    }
  }

  @Override
  public boolean differsAt(String origin, long seq, long nonce) throws SQLException {
    synchronized (reader) {
      return QUERIES.differsAt(reader, origin, seq, nonce);
    }
  }

  /** Stores {@code envelopes} as they are (the caller checked them), for tests and tools. */
  long[] append(List<Envelope> envelopes) throws SQLException {
    return append(committed -> new Decided(envelopes, Map.of()));
  }

  /**
   * The committed state is read on the writer's connection: appends come from one thread at a time
   * and {@link HubLock} keeps other hubs off the file, so nothing changes it in between.
   */
  @Override
  public long[] append(Decider decider) throws SQLException {
    synchronized (writer) {
      return appendLocked(decider);
    }
  }

  private long[] appendLocked(Decider decider) throws SQLException {
    try {
      Decided decided = decider.decide(QUERIES.committedOn(writer));
      long[] ids = decided.envelopes().isEmpty() ? new long[0] : insert(decided.envelopes());
      BindingTable.insert(writer, decided.bindings());
      writer.commit();
      return ids;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw e;
    }
  }

  private long[] insert(List<Envelope> envelopes) throws SQLException {
    long[] ids = new long[envelopes.size()];
    Map<String, Long> advanced = new HashMap<>();
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope envelope = envelopes.get(i);
      insertEnvelope.setString(1, envelope.origin());
      insertEnvelope.setLong(2, envelope.first());
      insertEnvelope.setLong(3, envelope.last());
      insertEnvelope.setString(4, envelope.depsJson());
      insertEnvelope.setString(5, envelope.payload());
      insertEnvelope.setString(6, NonceLists.format(envelope.nonces()));
      try (ResultSet id = insertEnvelope.executeQuery()) {
        id.next();
        ids[i] = id.getLong(1);
      }
      advanced.merge(envelope.origin(), envelope.last(), Math::max);
    }
    for (Map.Entry<String, Long> entry : advanced.entrySet()) {
      upsertClock.setString(1, entry.getKey());
      upsertClock.setLong(2, entry.getValue());
      upsertClock.executeUpdate();
    }
    return ids;
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException rollback) {
      cause.addSuppressed(rollback);
    }
  }

  @Override
  public long catchUpStart(Map<String, Long> clientClock, Map<String, Long> hubClock)
      throws SQLException {
    synchronized (reader) {
      return QUERIES.catchUpStart(reader, clientClock, hubClock);
    }
  }

  @Override
  public Page readAfter(long afterId, Holds holds, int maxRows, long maxBytes) throws SQLException {
    synchronized (reader) {
      return QUERIES.readAfter(reader, afterId, holds, maxRows, maxBytes);
    }
  }

  @Override
  public String problem() {
    return null; // an embedded file: if the hub runs, its log answers
  }

  /** The log's size on disk, its write-ahead log included. */
  @Override
  public long sizeBytes() {
    return sizeOf(file) + sizeOf(Path.of(file + "-wal"));
  }

  private static long sizeOf(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return 0; // not there (yet): nothing to count
    }
  }

  @Override
  public void close() throws SQLException {
    synchronized (reader) {
      reader.close();
    }
    insertEnvelope.close();
    upsertClock.close();
    writer.close();
  }
}
