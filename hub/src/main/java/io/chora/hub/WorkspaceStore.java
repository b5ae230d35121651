package io.chora.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
 * run beside the writer.
 */
final class WorkspaceStore implements AutoCloseable {
  /** An envelope read back, with its place in the log. */
  record Stored(long arrivalId, Envelope envelope) {}

  /** A stretch of the log read for one client: what it lacks, and how far the read got. */
  record Page(List<Stored> lacking, long lastReadId, boolean reachedEnd) {}

  /** Which envelopes a client already holds, so a read can skip their payloads. */
  interface Holds {
    boolean covers(String origin, long last);
  }

  private static final int SCHEMA_VERSION = 1;

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
      statement.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** The clock of everything stored. */
  Map<String, Long> loadClock() throws SQLException {
    Map<String, Long> clock = new HashMap<>();
    synchronized (reader) {
      try (Statement statement = reader.createStatement();
          ResultSet rows = statement.executeQuery("SELECT origin, last FROM clock")) {
        while (rows.next()) {
          clock.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return clock;
  }

  /** Which credential each site is bound to ({@link BindingTable}). */
  Map<String, String> loadBindings() throws SQLException {
    synchronized (reader) {
      return BindingTable.load(reader);
    }
  }

  /** The arrival id of the newest envelope, 0 when the log is empty. */
  long lastArrivalId() throws SQLException {
    return singleLong("SELECT coalesce(max(id), 0) FROM envelope");
  }

  long count() throws SQLException {
    return singleLong("SELECT count(*) FROM envelope");
  }

  private long singleLong(String sql) throws SQLException {
    synchronized (reader) {
      try (Statement statement = reader.createStatement();
          ResultSet rows = statement.executeQuery(sql)) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /**
   * Stores {@code envelopes} in this order and advances the clock, in one transaction committed to
   * disk before this returns. The caller has checked contiguity and causality.
   *
   * @return the arrival id of each envelope
   */
  /**
   * The first seq of {@code pushed} that the stored envelopes of its origin hold with another nonce
   * (a fork), or 0. Reads on the writer's connection, which decides pushes.
   */
  long forkedAt(Envelope pushed) throws SQLException {
    if (pushed.nonces() == null) {
      return 0;
    }
    try (PreparedStatement ps =
        writer.prepareStatement(
            "SELECT first, nonces FROM envelope WHERE origin = ? AND last >= ? AND first <= ?"
                + " ORDER BY last")) {
      ps.setString(1, pushed.origin());
      ps.setLong(2, pushed.first());
      ps.setLong(3, pushed.last());
      try (ResultSet rows = ps.executeQuery()) {
        while (rows.next()) {
          long seq =
              NonceLists.firstDifference(
                  pushed, rows.getLong(1), NonceLists.parse(rows.getString(2)));
          if (seq != 0) {
            return seq;
          }
        }
      }
    }
    return 0;
  }

  /** Whether the stored envelope holding {@code origin}'s {@code seq} names another nonce. */
  boolean differsAt(String origin, long seq, long nonce) throws SQLException {
    synchronized (reader) {
      try (PreparedStatement ps =
          reader.prepareStatement(
              "SELECT first, nonces FROM envelope WHERE origin = ? AND last >= ? AND first <= ?"
                  + " ORDER BY last LIMIT 1")) {
        ps.setString(1, origin);
        ps.setLong(2, seq);
        ps.setLong(3, seq);
        try (ResultSet rows = ps.executeQuery()) {
          if (!rows.next()) {
            return false;
          }
          long[] stored = NonceLists.parse(rows.getString(2));
          return stored != null && stored[(int) (seq - rows.getLong(1))] != nonce;
        }
      }
    }
  }

  long[] append(List<Envelope> envelopes) throws SQLException {
    return append(envelopes, Map.of());
  }

  /** As {@link #append(List)}, binding {@code bindings}' sites in the same transaction. */
  long[] append(List<Envelope> envelopes, Map<String, String> bindings) throws SQLException {
    long[] ids = new long[envelopes.size()];
    Map<String, Long> advanced = new HashMap<>();
    try {
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
      BindingTable.insert(writer, bindings);
      writer.commit();
      return ids;
    } catch (SQLException e) {
      rollbackQuietly(e);
      throw e;
    }
  }

  private void rollbackQuietly(SQLException cause) {
    try {
      writer.rollback();
    } catch (SQLException rollback) {
      cause.addSuppressed(rollback);
    }
  }

  /**
   * Where a client holding {@code clock} starts catching up: just before the first envelope it
   * lacks, found per origin through the index instead of by reading the log from the start.
   *
   * @param hubClock what the hub holds; origins the client is level with are not looked up
   */
  long catchUpStart(Map<String, Long> clientClock, Map<String, Long> hubClock) throws SQLException {
    long start = Long.MAX_VALUE;
    synchronized (reader) {
      try (PreparedStatement firstLacking =
          reader.prepareStatement(
              "SELECT id FROM envelope WHERE origin = ? AND last > ? ORDER BY last LIMIT 1")) {
        for (Map.Entry<String, Long> entry : hubClock.entrySet()) {
          long held = clientClock.getOrDefault(entry.getKey(), 0L);
          if (held >= entry.getValue()) {
            continue;
          }
          firstLacking.setString(1, entry.getKey());
          firstLacking.setLong(2, held);
          try (ResultSet rows = firstLacking.executeQuery()) {
            if (rows.next()) {
              start = Math.min(start, rows.getLong(1) - 1);
            }
          }
        }
      }
    }
    return start == Long.MAX_VALUE ? -1 : start;
  }

  /**
   * Reads envelopes after {@code afterId} in arrival order, keeping those {@code holds} does not
   * cover, until {@code maxRows} rows were read or {@code maxBytes} of payload kept. Payloads of
   * skipped envelopes are never loaded.
   */
  Page readAfter(long afterId, Holds holds, int maxRows, long maxBytes) throws SQLException {
    List<Stored> lacking = new ArrayList<>();
    long lastReadId = afterId;
    int read = 0;
    long bytes = 0;
    synchronized (reader) {
      try (PreparedStatement select =
          reader.prepareStatement(
              "SELECT id, origin, first, last, deps, payload FROM envelope"
                  + " WHERE id > ? ORDER BY id LIMIT ?")) {
        select.setLong(1, afterId);
        select.setInt(2, maxRows);
        try (ResultSet rows = select.executeQuery()) {
          while (bytes < maxBytes && rows.next()) {
            read++;
            lastReadId = rows.getLong(1);
            String origin = rows.getString(2);
            long last = rows.getLong(4);
            if (holds.covers(origin, last)) {
              continue;
            }
            Envelope envelope =
                new Envelope(
                    origin, rows.getLong(3), last, rows.getString(5), rows.getString(6), null);
            bytes += envelope.payload().length();
            lacking.add(new Stored(lastReadId, envelope));
          }
        }
      }
    }
    return new Page(lacking, lastReadId, read < maxRows && bytes < maxBytes);
  }

  /** The log's size on disk, its write-ahead log included. */
  long sizeBytes() {
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
