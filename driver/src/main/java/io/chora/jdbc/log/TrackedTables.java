package io.chora.jdbc.log;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;

/**
 * The tracked tables of one connection's database, read again only when the schema changed ({@code
 * PRAGMA schema_version}): a sync of one change should not pay for reading every table's shape.
 * Tracking a table, renaming or altering one all change the schema.
 */
final class TrackedTables {
  /** The shapes as read at one schema version: replaced whole, so readers see a matching pair. */
  private record Snapshot(long version, Map<Long, TableInfo> tables) {}

  private volatile Snapshot snapshot;

  Map<Long, TableInfo> get(Connection conn) throws SQLException {
    long now;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA schema_version")) {
      rs.next();
      now = rs.getLong(1);
    }
    Snapshot seen = snapshot;
    if (seen == null || seen.version() != now) {
      seen = new Snapshot(now, Collections.unmodifiableMap(TriggerSync.tracked(conn)));
      snapshot = seen;
    }
    return seen.tables();
  }
}
