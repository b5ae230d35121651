package io.chora.jdbc.shared;

import io.chora.jdbc.QuarantinedEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelopes from the hub this replica holds back ({@code chora_quarantine}): what the hub
 * client could not apply, and what depends on it, each with its payload so that it can be tried
 * again without the hub. Local like {@link SyncHistory}: never sent. Made when first needed, like
 * {@link SyncHistory#HUB_TABLE}, so files from before it stay readable.
 */
public final class QuarantineTable {
  public static final String NAME = "chora_quarantine";

  /**
   * Payloads kept in all, at most: a flood of bad envelopes must not fill the disk. Past it an
   * envelope is listed without its payload, and only the hub's next delivery tries it again.
   */
  static final long MAX_KEPT_BYTES = 64L << 20;

  public static final String DDL =
      "CREATE TABLE IF NOT EXISTS "
          + NAME
          + "(id INTEGER PRIMARY KEY, origin TEXT NOT NULL, first INTEGER NOT NULL,"
          + " last INTEGER NOT NULL, deps TEXT NOT NULL, payload TEXT, reason TEXT NOT NULL,"
          + " waits_for TEXT, since INTEGER NOT NULL, attempts INTEGER NOT NULL,"
          + " UNIQUE(origin, first))";

  /** An envelope held, as the hub sent it: enough to try it again. */
  public record Kept(String origin, long first, long last, String deps, String payload) {}

  private QuarantineTable() {}

  /**
   * Holds an envelope back, or records another failed try of one held already; call in a write
   * transaction after {@link #DDL}.
   */
  public static void hold(Connection conn, Kept envelope, String reason, String waitsFor)
      throws SQLException {
    long kept = keptBytes(conn, envelope.origin(), envelope.first());
    String payload =
        kept + envelope.payload().length() <= MAX_KEPT_BYTES ? envelope.payload() : null;
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT INTO "
                + NAME
                + "(origin, first, last, deps, payload, reason, waits_for, since, attempts)"
                + " VALUES (?,?,?,?,?,?,?,?,1) ON CONFLICT(origin, first) DO UPDATE SET"
                + " last = excluded.last, deps = excluded.deps, payload = excluded.payload,"
                + " reason = excluded.reason, waits_for = excluded.waits_for,"
                + " attempts = attempts + 1")) {
      st.setString(1, envelope.origin());
      st.setLong(2, envelope.first());
      st.setLong(3, envelope.last());
      st.setString(4, envelope.deps());
      st.setString(5, payload);
      st.setString(6, reason);
      st.setString(7, waitsFor);
      st.setLong(8, WallClock.millis());
      st.executeUpdate();
    }
  }

  /** Forgets a held envelope: it applied. Call in a write transaction. */
  public static void release(Connection conn, String origin, long first) throws SQLException {
    if (!exists(conn)) {
      return;
    }
    try (PreparedStatement st =
        conn.prepareStatement("DELETE FROM " + NAME + " WHERE origin = ? AND first = ?")) {
      st.setString(1, origin);
      st.setLong(2, first);
      st.executeUpdate();
    }
  }

  /** What is held, in the order it arrived (a causal order, as the hub sends it). */
  public static List<QuarantinedEnvelope> list(Connection conn) throws SQLException {
    List<QuarantinedEnvelope> held = new ArrayList<>();
    if (!exists(conn)) {
      return held;
    }
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT origin, first, last, reason, waits_for, since, attempts FROM "
                    + NAME
                    + " ORDER BY id")) {
      while (rs.next()) {
        held.add(
            new QuarantinedEnvelope(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)),
                rs.getInt(7)));
      }
    }
    return held;
  }

  /** The held envelopes whose payload is kept, in arrival order. */
  public static List<Kept> kept(Connection conn) throws SQLException {
    List<Kept> kept = new ArrayList<>();
    if (!exists(conn)) {
      return kept;
    }
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT origin, first, last, deps, payload FROM "
                    + NAME
                    + " WHERE payload IS NOT NULL ORDER BY id")) {
      while (rs.next()) {
        kept.add(
            new Kept(
                rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
      }
    }
    return kept;
  }

  /** Payload characters kept, leaving out the envelope at {@code origin, first}. */
  private static long keptBytes(Connection conn, String origin, long first) throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT coalesce(sum(length(payload)), 0) FROM "
                + NAME
                + " WHERE NOT (origin = ? AND first = ?)")) {
      st.setString(1, origin);
      st.setLong(2, first);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static boolean exists(Connection conn) throws SQLException {
    return SyncHistory.hasTable(conn, NAME);
  }
}
