package io.chora.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The tables both stores keep for snapshots and compaction, in SQL that SQLite and PostgreSQL
 * share: the workspace's latest {@code snapshot}, the {@code compacted} clock (the highest seq
 * removed per origin), each {@code member}'s last said clock and when it was heard of, and since
 * when the hub has {@code tracking} members (compaction waits a retention after that, so a member
 * that has not spoken since the hub was upgraded is not left behind). Each call runs in the
 * caller's transaction.
 */
final class SnapshotRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Long>> CLOCK = new TypeReference<>() {};

  private final LogQueries queries;
  private final String columns; // "" or "ws, ": what an INSERT names before its own columns
  private final String values; // "" or "?, "
  private final String workspace; // null in a SQLite file (one workspace)

  private SnapshotRows(LogQueries queries, String workspace) {
    this.queries = queries;
    this.workspace = workspace;
    this.columns = workspace == null ? "" : "ws, ";
    this.values = workspace == null ? "" : "?, ";
  }

  static SnapshotRows unscoped() {
    return new SnapshotRows(LogQueries.unscoped(), null);
  }

  static SnapshotRows scopedTo(String workspace) {
    return new SnapshotRows(LogQueries.scopedTo(workspace), workspace);
  }

  /** The latest snapshot; its payload only if {@code withPayload} (it may be megabytes). */
  LogStore.Snapshot latest(Connection db, boolean withPayload) throws SQLException {
    String payload = withPayload ? "payload" : "''";
    try (PreparedStatement ps =
            queries.prepare(
                db,
                "SELECT site, clock, at_id, stored_at, "
                    + payload
                    + " FROM snapshot WHERE %s 1 = 1 ORDER BY at_id DESC LIMIT 1");
        ResultSet rows = ps.executeQuery()) {
      if (!rows.next()) {
        return null;
      }
      return new LogStore.Snapshot(
          rows.getString(1),
          clock(rows.getString(2)),
          rows.getString(5),
          rows.getLong(3),
          rows.getLong(4));
    }
  }

  /** Keeps {@code snapshot} as the only one: an older one serves nobody the new one cannot. */
  void put(Connection db, LogStore.Snapshot snapshot) throws SQLException {
    try (PreparedStatement ps = queries.prepare(db, "DELETE FROM snapshot WHERE %s 1 = 1")) {
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        insert(db, "snapshot(site, clock, payload, at_id, stored_at) VALUES (?, ?, ?, ?, ?)")) {
      int p = queries.first();
      ps.setString(p, snapshot.site());
      ps.setString(p + 1, Frames.clock(snapshot.clock()));
      ps.setString(p + 2, snapshot.payload());
      ps.setLong(p + 3, snapshot.atArrivalId());
      ps.setLong(p + 4, snapshot.storedAt());
      ps.executeUpdate();
    }
  }

  /** The highest seq removed of each origin. */
  Map<String, Long> compacted(Connection db) throws SQLException {
    Map<String, Long> clock = new HashMap<>();
    try (PreparedStatement ps =
            queries.prepare(db, "SELECT origin, last FROM compacted WHERE %s 1 = 1");
        ResultSet rows = ps.executeQuery()) {
      while (rows.next()) {
        clock.put(rows.getString(1), rows.getLong(2));
      }
    }
    return clock;
  }

  Map<String, LogStore.Member> members(Connection db) throws SQLException {
    Map<String, LogStore.Member> members = new HashMap<>();
    try (PreparedStatement ps =
            queries.prepare(db, "SELECT site, clock, seen_at FROM member WHERE %s 1 = 1");
        ResultSet rows = ps.executeQuery()) {
      while (rows.next()) {
        members.put(
            rows.getString(1), new LogStore.Member(clock(rows.getString(2)), rows.getLong(3)));
      }
    }
    return members;
  }

  /**
   * Writes what members said, each merged with what was stored of it before. Reads only the rows of
   * the members heard: every hello records one, and a workspace of 10,000 replicas would otherwise
   * parse every member's clock at every hello.
   */
  void record(Connection db, Map<String, LogStore.Member> heard) throws SQLException {
    try (PreparedStatement read =
            queries.prepare(db, "SELECT clock, seen_at FROM member WHERE %s site = ?");
        PreparedStatement delete = queries.prepare(db, "DELETE FROM member WHERE %s site = ?");
        PreparedStatement add = insert(db, "member(site, clock, seen_at) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, LogStore.Member> entry : heard.entrySet()) {
        LogStore.Member member = entry.getValue();
        LogStore.Member before = member(read, entry.getKey());
        if (before != null) {
          member = before.merge(member);
        }
        delete.setString(queries.first(), entry.getKey());
        delete.executeUpdate();
        int p = queries.first();
        add.setString(p, entry.getKey());
        add.setString(p + 1, Frames.clock(member.clock()));
        add.setLong(p + 2, member.seenAt());
        add.executeUpdate();
      }
    }
  }

  private LogStore.Member member(PreparedStatement read, String site) throws SQLException {
    read.setString(queries.first(), site);
    try (ResultSet rows = read.executeQuery()) {
      return rows.next() ? new LogStore.Member(clock(rows.getString(1)), rows.getLong(2)) : null;
    }
  }

  /** Since when members are tracked, starting it at {@code now} the first time. */
  long trackingSince(Connection db, long now) throws SQLException {
    try (PreparedStatement ps = queries.prepare(db, "SELECT since FROM tracking WHERE %s 1 = 1");
        ResultSet rows = ps.executeQuery()) {
      if (rows.next()) {
        return rows.getLong(1);
      }
    }
    try (PreparedStatement ps = insert(db, "tracking(since) VALUES (?)")) {
      ps.setLong(queries.first(), now);
      ps.executeUpdate();
    }
    return now;
  }

  /**
   * Removes every whole envelope of each origin up to {@code cut}'s seq, except the newest envelope
   * of the log (its id is where arrival ids go on from), and raises the compacted clock.
   *
   * @return how many envelopes were removed
   */
  int compact(Connection db, Map<String, Long> cut) throws SQLException {
    long newest = queries.lastArrivalId(db);
    Map<String, Long> compacted = compacted(db);
    int removed = 0;
    for (Map.Entry<String, Long> entry : cut.entrySet()) {
      long highest;
      try (PreparedStatement ps =
          queries.prepare(
              db, "SELECT max(last) FROM envelope WHERE %s origin = ? AND last <= ? AND id < ?")) {
        bindCut(ps, entry, newest);
        try (ResultSet rows = ps.executeQuery()) {
          rows.next();
          highest = rows.getLong(1);
        }
      }
      if (highest == 0) {
        continue;
      }
      try (PreparedStatement ps =
          queries.prepare(
              db, "DELETE FROM envelope WHERE %s origin = ? AND last <= ? AND id < ?")) {
        bindCut(ps, entry, newest);
        removed += ps.executeUpdate();
      }
      if (highest > compacted.getOrDefault(entry.getKey(), 0L)) {
        try (PreparedStatement ps =
            queries.prepare(db, "DELETE FROM compacted WHERE %s origin = ?")) {
          ps.setString(queries.first(), entry.getKey());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = insert(db, "compacted(origin, last) VALUES (?, ?)")) {
          ps.setString(queries.first(), entry.getKey());
          ps.setLong(queries.first() + 1, highest);
          ps.executeUpdate();
        }
      }
    }
    return removed;
  }

  private void bindCut(PreparedStatement ps, Map.Entry<String, Long> entry, long newest)
      throws SQLException {
    int p = queries.first();
    ps.setString(p, entry.getKey());
    ps.setLong(p + 1, entry.getValue());
    ps.setLong(p + 2, newest);
  }

  /** An INSERT into {@code table(columns) VALUES (…)} with the workspace column bound first. */
  private PreparedStatement insert(Connection db, String tableColumnsValues) throws SQLException {
    int paren = tableColumnsValues.indexOf('(');
    int valuesParen = tableColumnsValues.indexOf("VALUES (") + "VALUES (".length();
    String sql =
        "INSERT INTO "
            + tableColumnsValues.substring(0, paren + 1)
            + columns
            + tableColumnsValues.substring(paren + 1, valuesParen)
            + values
            + tableColumnsValues.substring(valuesParen);
    PreparedStatement ps = db.prepareStatement(sql);
    if (workspace != null) {
      ps.setString(1, workspace);
    }
    return ps;
  }

  private static Map<String, Long> clock(String json) throws SQLException {
    try {
      return new HashMap<>(JSON.readValue(json, CLOCK));
    } catch (JsonProcessingException e) {
      throw new SQLException("a stored clock is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
