package io.chora.jdbc.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads user rows by primary key, with one prepared lookup per table. */
final class RowReader implements AutoCloseable {
  private final Connection conn;
  private final Map<Long, PreparedStatement> lookups = new HashMap<>();

  RowReader(Connection conn) {
    this.conn = conn;
  }

  /** The row's current values by column, or null when there is no such row. */
  Map<String, Object> read(long id, TableInfo table, List<Object> key) throws SQLException {
    PreparedStatement ps = lookups.get(id);
    if (ps == null) {
      ps =
          conn.prepareStatement(
              "SELECT "
                  + table.columns().stream().map(Sql::id).collect(Collectors.joining(", "))
                  + " FROM "
                  + Sql.id(table.name())
                  + " WHERE "
                  + table.keyColumns().stream()
                      .map(c -> Sql.id(c) + " IS ?")
                      .collect(Collectors.joining(" AND ")));
      lookups.put(id, ps);
    }
    for (int i = 0; i < key.size(); i++) {
      ps.setObject(i + 1, key.get(i));
    }
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (int i = 0; i < table.columns().size(); i++) {
        values.put(table.columns().get(i), normalize(rs.getObject(i + 1)));
      }
      return values;
    }
  }

  /** Whether the row with this key, stored as the log stores keys, exists now. */
  boolean exists(long id, TableInfo table, Object storedKey) throws SQLException {
    return read(id, table, KeyCodec.decode(table, storedKey)) != null;
  }

  /** sqlite-jdbc hands small integers back as Integer; the wire knows only Long. */
  static Object normalize(Object value) {
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : lookups.values()) {
      ps.close();
    }
  }
}
