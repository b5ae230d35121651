package io.chora.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reads both stores make of the {@code envelope} table, in SQL that SQLite and PostgreSQL
 * share. A PostgreSQL database holds every workspace in one table, so there each query is scoped to
 * one workspace's rows by a {@code ws} column; a SQLite file holds one workspace and needs no
 * scope.
 */
final class LogQueries {
  /** Above this many sites, a commit reads the whole clock (or bindings), not an IN list. */
  private static final int LOOKUPS = 64;

  private final String scope; // "" or "ws = ? AND "
  private final String workspace; // null when unscoped

  private LogQueries(String scope, String workspace) {
    this.scope = scope;
    this.workspace = workspace;
  }

  static LogQueries unscoped() {
    return new LogQueries("", null);
  }

  static LogQueries scopedTo(String workspace) {
    return new LogQueries("ws = ? AND ", workspace);
  }

  /** Prepares {@code sql} whose {@code WHERE} is followed by {@code %s}, the scope bound first. */
  PreparedStatement prepare(Connection db, String sql) throws SQLException {
    PreparedStatement ps = db.prepareStatement(String.format(sql, scope));
    if (workspace != null) {
      ps.setString(1, workspace);
    }
    return ps;
  }

  /** Index of the first parameter after the scope's. */
  int first() {
    return workspace == null ? 1 : 2;
  }

  long singleLong(Connection db, String sqlWithScope) throws SQLException {
    try (PreparedStatement ps = prepare(db, sqlWithScope);
        ResultSet rows = ps.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  long lastArrivalId(Connection db) throws SQLException {
    return singleLong(db, "SELECT coalesce(max(id), 0) FROM envelope WHERE %s 1 = 1");
  }

  long count(Connection db) throws SQLException {
    return singleLong(db, "SELECT count(*) FROM envelope WHERE %s 1 = 1");
  }

  long forkedAt(Connection db, Envelope pushed) throws SQLException {
    if (pushed.nonces() == null) {
      return 0;
    }
    try (PreparedStatement ps =
        prepare(
            db,
            "SELECT first, nonces FROM envelope WHERE %s origin = ? AND last >= ? AND first <= ?"
                + " ORDER BY last")) {
      int p = first();
      ps.setString(p, pushed.origin());
      ps.setLong(p + 1, pushed.first());
      ps.setLong(p + 2, pushed.last());
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

  boolean differsAt(Connection db, String origin, long seq, long nonce) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            db,
            "SELECT first, nonces FROM envelope WHERE %s origin = ? AND last >= ? AND first <= ?"
                + " ORDER BY last LIMIT 1")) {
      int p = first();
      ps.setString(p, origin);
      ps.setLong(p + 1, seq);
      ps.setLong(p + 2, seq);
      try (ResultSet rows = ps.executeQuery()) {
        if (!rows.next()) {
          return false;
        }
        long[] stored = NonceLists.parse(rows.getString(2));
        return stored != null && stored[(int) (seq - rows.getLong(1))] != nonce;
      }
    }
  }

  /** Found per origin through the (origin, last) index, not by reading the log from the start. */
  long catchUpStart(Connection db, Map<String, Long> clientClock, Map<String, Long> hubClock)
      throws SQLException {
    long start = Long.MAX_VALUE;
    try (PreparedStatement firstLacking =
        prepare(
            db, "SELECT id FROM envelope WHERE %s origin = ? AND last > ? ORDER BY last LIMIT 1")) {
      for (Map.Entry<String, Long> entry : hubClock.entrySet()) {
        long held = clientClock.getOrDefault(entry.getKey(), 0L);
        if (held >= entry.getValue()) {
          continue; // level with the hub: not looked up
        }
        firstLacking.setString(first(), entry.getKey());
        firstLacking.setLong(first() + 1, held);
        try (ResultSet rows = firstLacking.executeQuery()) {
          if (rows.next()) {
            start = Math.min(start, rows.getLong(1) - 1);
          }
        }
      }
    }
    return start == Long.MAX_VALUE ? -1 : start;
  }

  LogStore.Page readAfter(
      Connection db, long afterId, LogStore.Holds holds, int maxRows, long maxBytes)
      throws SQLException {
    List<LogStore.Stored> lacking = new ArrayList<>();
    long lastReadId = afterId;
    int read = 0;
    long bytes = 0;
    try (PreparedStatement select =
        prepare(
            db,
            "SELECT id, origin, first, last, deps, payload FROM envelope"
                + " WHERE %s id > ? ORDER BY id LIMIT ?")) {
      select.setLong(first(), afterId);
      select.setInt(first() + 1, maxRows);
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
          lacking.add(new LogStore.Stored(lastReadId, envelope));
        }
      }
    }
    return new LogStore.Page(lacking, lastReadId, read < maxRows && bytes < maxBytes);
  }

  /** The stored clock of {@code sites}, read on {@code db} (inside the storing transaction). */
  Map<String, Long> clockOf(Connection db, Set<String> sites) throws SQLException {
    if (sites.size() > LOOKUPS) {
      return loadClock(db); // one scan beats a long IN list; a superset is as good
    }
    Map<String, Long> clock = new HashMap<>();
    readIn(
        db,
        "SELECT origin, last FROM clock WHERE %s origin IN ",
        sites,
        rows -> clock.put(rows.getString(1), rows.getLong(2)));
    return clock;
  }

  /** The credential each of {@code sites} is bound to, read on {@code db}. */
  Map<String, String> ownersOf(Connection db, Set<String> sites) throws SQLException {
    Map<String, String> owners = new HashMap<>();
    if (sites.size() > LOOKUPS) {
      owners.putAll(loadBindings(db));
      return owners;
    }
    readIn(
        db,
        "SELECT site, credential FROM binding WHERE %s site IN ",
        sites,
        rows -> owners.put(rows.getString(1), rows.getString(2)));
    return owners;
  }

  private interface Row {
    void read(ResultSet rows) throws SQLException;
  }

  /** Runs {@code sql} with an IN list of {@code keys}: one round trip for a whole commit. */
  private void readIn(Connection db, String sql, Set<String> keys, Row row) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    String in = "(" + String.join(",", java.util.Collections.nCopies(keys.size(), "?")) + ")";
    try (PreparedStatement ps = prepare(db, sql + in)) {
      int p = first();
      for (String key : keys) {
        ps.setString(p++, key);
      }
      try (ResultSet rows = ps.executeQuery()) {
        while (rows.next()) {
          row.read(rows);
        }
      }
    }
  }

  /** The whole clock. */
  Map<String, Long> loadClock(Connection db) throws SQLException {
    Map<String, Long> clock = new HashMap<>();
    try (PreparedStatement ps = prepare(db, "SELECT origin, last FROM clock WHERE %s 1 = 1");
        ResultSet rows = ps.executeQuery()) {
      while (rows.next()) {
        clock.put(rows.getString(1), rows.getLong(2));
      }
    }
    return clock;
  }

  /** Site → credential id, every binding. */
  Map<String, String> loadBindings(Connection db) throws SQLException {
    Map<String, String> bindings = new HashMap<>();
    try (PreparedStatement ps = prepare(db, "SELECT site, credential FROM binding WHERE %s 1 = 1");
        ResultSet rows = ps.executeQuery()) {
      while (rows.next()) {
        bindings.put(rows.getString(1), rows.getString(2));
      }
    }
    return bindings;
  }

  /** The committed state as read on {@code db}, the storing transaction's connection. */
  LogStore.Committed committedOn(Connection db) {
    return new LogStore.Committed() {
      @Override
      public Map<String, Long> clockOf(Set<String> sites) throws SQLException {
        return LogQueries.this.clockOf(db, sites);
      }

      @Override
      public Map<String, String> ownersOf(Set<String> sites) throws SQLException {
        return LogQueries.this.ownersOf(db, sites);
      }

      @Override
      public long forkedAt(Envelope pushed) throws SQLException {
        return LogQueries.this.forkedAt(db, pushed);
      }
    };
  }
}
