package io.chora.jdbc.capture;

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
public final class TrackedTables {
  private long version = -1;
  private Map<Long, TableInfo> tables;

  public Map<Long, TableInfo> get(Connection conn) throws SQLException {
    long now;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA schema_version")) {
      rs.next();
      now = rs.getLong(1);
    }
    if (tables == null || now != version) {
      tables = Collections.unmodifiableMap(TriggerSync.tracked(conn));
      version = now;
    }
    return tables;
  }
}
