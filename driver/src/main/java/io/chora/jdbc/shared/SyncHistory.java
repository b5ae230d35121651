package io.chora.jdbc.shared;

import io.chora.sync.SyncEvent;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this replica knows of its peers: the newest clock each one showed ({@code chora_peers}), and
 * the recent exchanges with them ({@code chora_syncs}, the newest {@value #KEPT} kept). Both are
 * local: they are never sent, and a peer's clock only ever grows here, so a late delivery of an old
 * set does not make a peer look behind.
 */
public final class SyncHistory {
  static final int KEPT = 1000;

  /** The tables' definitions, for every mode that keeps a history. */
  public static final String[] TABLES = {
    "CREATE TABLE IF NOT EXISTS chora_peers(site TEXT PRIMARY KEY, clock TEXT NOT NULL,"
        + " at INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_syncs(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
        + " peer TEXT NOT NULL, sent INTEGER NOT NULL, received INTEGER NOT NULL,"
        + " conflicts INTEGER NOT NULL)"
  };

  private SyncHistory() {}

  /** Remembers {@code peer}'s clock, merged with what was known; call in a write transaction. */
  public static void recordPeer(Connection conn, String peer, VectorClock clock)
      throws SQLException {
    VectorClock known = new VectorClock();
    try (PreparedStatement st =
        conn.prepareStatement("SELECT clock FROM chora_peers WHERE site = ?")) {
      st.setString(1, peer);
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          known = VectorClock.parse(rs.getString(1));
        }
      }
    }
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO chora_peers(site, clock, at) VALUES (?,?,?)")) {
      st.setString(1, peer);
      st.setString(2, known.merge(clock).toString());
      st.setLong(3, WallClock.millis());
      st.executeUpdate();
    }
  }

  /**
   * What the hub client last saw of its hub, one row per hub endpoint: so that {@code chora
   * status}, another process, can tell it. Made when first needed (not part of the schema a
   * read-only open checks), so files from before it stay readable.
   */
  public static final String HUB_TABLE = "chora_hub";

  /** Its definition; the mode makes it (java mode keeps its schema stamp current around it). */
  public static final String HUB_TABLE_DDL =
      "CREATE TABLE IF NOT EXISTS "
          + HUB_TABLE
          + "(endpoint TEXT PRIMARY KEY, state TEXT NOT NULL, clock TEXT NOT NULL,"
          + " at INTEGER NOT NULL) WITHOUT ROWID";

  /**
   * Divergences found ({@code chora_divergence}): a peer that held the same clock as this replica
   * but other rows, what differed and when; removed when a later comparison agrees. Made when first
   * needed, like {@link #HUB_TABLE}.
   */
  public static final String DIVERGENCE_TABLE = "chora_divergence";

  /** The tables made when first needed, not at setup: files from before them stay readable. */
  public static final List<String> LATE_TABLES =
      List.of(
          HUB_TABLE_DDL,
          QuarantineTable.DDL,
          "CREATE TABLE IF NOT EXISTS "
              + DIVERGENCE_TABLE
              + "(peer TEXT PRIMARY KEY, at INTEGER NOT NULL, clock TEXT NOT NULL,"
              + " parts TEXT NOT NULL) WITHOUT ROWID");

  /** Records a divergence from {@code peer} at {@code clock}; call in a write transaction. */
  public static void recordDivergence(
      Connection conn, String peer, VectorClock clock, List<String> parts) throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO "
                + DIVERGENCE_TABLE
                + "(peer, at, clock, parts) VALUES (?,?,?,?)")) {
      st.setString(1, peer);
      st.setLong(2, WallClock.millis());
      st.setString(3, clock.toString());
      st.setString(4, String.join(", ", parts));
      st.executeUpdate();
    }
  }

  /** Forgets a divergence from {@code peer}: a later comparison agreed. */
  public static void agreed(Connection conn, String peer) throws SQLException {
    if (!hasTable(conn, DIVERGENCE_TABLE)) {
      return;
    }
    try (PreparedStatement st =
        conn.prepareStatement("DELETE FROM " + DIVERGENCE_TABLE + " WHERE peer = ?")) {
      st.setString(1, peer);
      st.executeUpdate();
    }
  }

  /** Divergences on record, by peer: "at CLOCK since TIME: PARTS". */
  public static Map<String, String> divergences(Connection conn) throws SQLException {
    Map<String, String> found = new LinkedHashMap<>();
    if (!hasTable(conn, DIVERGENCE_TABLE)) {
      return found;
    }
    try (PreparedStatement st =
            conn.prepareStatement(
                "SELECT peer, at, clock, parts FROM " + DIVERGENCE_TABLE + " ORDER BY peer");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        found.put(
            rs.getString(1),
            "different "
                + rs.getString(4)
                + " at equal clocks "
                + rs.getString(3)
                + " (found "
                + Instant.ofEpochMilli(rs.getLong(2))
                + ")");
      }
    }
    return found;
  }

  static boolean hasTable(Connection conn, String name) throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Records the hub's state and the clock it holds; call in a write transaction. */
  public static void recordHub(Connection conn, String endpoint, String state, VectorClock clock)
      throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO "
                + HUB_TABLE
                + "(endpoint, state, clock, at) VALUES (?,?,?,?)")) {
      st.setString(1, endpoint);
      st.setString(2, state);
      st.setString(3, clock.toString());
      st.setLong(4, WallClock.millis());
      st.executeUpdate();
    }
  }

  /** Adds an exchange to the history and forgets the oldest past {@value #KEPT}. */
  public static void recordExchange(
      Connection conn, String peer, int sent, int received, int conflicts) throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT INTO chora_syncs(at, peer, sent, received, conflicts) VALUES (?,?,?,?,?)")) {
      st.setLong(1, WallClock.millis());
      st.setString(2, peer);
      st.setInt(3, sent);
      st.setInt(4, received);
      st.setInt(5, conflicts);
      st.executeUpdate();
    }
    try (PreparedStatement st =
        conn.prepareStatement("DELETE FROM chora_syncs WHERE id <= last_insert_rowid() - ?")) {
      st.setInt(1, KEPT);
      st.executeUpdate();
    }
  }

  /** Each known peer's newest clock, by site. */
  public static Map<String, VectorClock> peers(Connection conn) throws SQLException {
    Map<String, VectorClock> peers = new LinkedHashMap<>();
    try (PreparedStatement st =
            conn.prepareStatement("SELECT site, clock FROM chora_peers ORDER BY site");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        peers.put(rs.getString(1), VectorClock.parse(rs.getString(2)));
      }
    }
    return peers;
  }

  /** The newest {@code limit} exchanges, newest first. */
  public static List<SyncEvent> recent(Connection conn, int limit) throws SQLException {
    List<SyncEvent> events = new ArrayList<>();
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT id, at, peer, sent, received, conflicts FROM chora_syncs"
                + " ORDER BY id DESC LIMIT ?")) {
      st.setInt(1, limit);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          events.add(
              new SyncEvent(
                  rs.getLong(1),
                  Instant.ofEpochMilli(rs.getLong(2)),
                  rs.getString(3),
                  rs.getInt(4),
                  rs.getInt(5),
                  rs.getInt(6)));
        }
      }
    }
    return events;
  }
}
