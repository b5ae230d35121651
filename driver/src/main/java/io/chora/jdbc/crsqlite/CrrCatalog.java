package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CRRs of one database, read from the schema and kept until the schema changes ({@code PRAGMA
 * schema_version}), so that applying a set costs one pragma read, not a schema scan.
 */
final class CrrCatalog {
  /** cr-sqlite keeps each CRR's clock in a table named after it with this suffix. */
  static final String CLOCK_SUFFIX = "__crsql_clock";

  private int schemaVersion = -1;
  private Map<String, CrrTable> tables = Map.of();
  private String versionQuery;

  /** The CRRs by name, sorted by name. */
  synchronized Map<String, CrrTable> tables(SqliteConnection conn) throws SQLException {
    int version = (int) Sql.queryLong(conn, "PRAGMA schema_version");
    if (version != schemaVersion) {
      tables = load(conn);
      versionQuery = versionQuery(clockedTables(conn));
      schemaVersion = version;
    }
    return tables;
  }

  /**
   * This database's cr-sqlite version as its storage holds it: the highest {@code db_version} in
   * the clock tables, or the floor kept when clock tables went. Not {@code crsql_db_version()},
   * which is cached per connection and can run ahead of the storage: a savepoint rolled back inside
   * a committed transaction takes its version along ({@code ROLLBACK TO} is no rollback to
   * cr-sqlite's hook), and the cache falls back when another connection commits. A version a peer
   * was told about must never come back for a new write, or the peer would skip that write.
   */
  long storedVersion(SqliteConnection conn) throws SQLException {
    tables(conn);
    return Sql.queryLong(conn, versionQuery);
  }

  /** The query for {@link #storedVersion}, over these clock tables. */
  static String versionQuery(List<String> clocked) {
    StringBuilder union = new StringBuilder();
    for (String table : clocked) {
      union
          .append("SELECT max(db_version) AS v FROM ")
          .append(Sql.quote(table + CLOCK_SUFFIX))
          .append(" UNION ALL ");
    }
    return "SELECT coalesce(max(v), 0) FROM ("
        + union
        + "SELECT value AS v FROM crsql_master WHERE key = 'pre_compact_dbversion')";
  }

  /** The names of the tables that have a cr-sqlite clock, whether or not they still exist. */
  static List<String> clockedTables(SqliteConnection conn) throws SQLException {
    return Sql.queryStrings(
        conn,
        "SELECT substr(name, 1, length(name) - "
            + CLOCK_SUFFIX.length()
            + ") FROM main.sqlite_schema WHERE type = 'table' AND name LIKE '%"
            + CLOCK_SUFFIX.replace("_", "\\_")
            + "' ESCAPE '\\' ORDER BY 1");
  }

  private static Map<String, CrrTable> load(SqliteConnection conn) throws SQLException {
    Map<String, CrrTable> loaded = new TreeMap<>();
    for (String name : clockedTables(conn)) {
      CrrTable table = describe(conn, name);
      if (table != null) {
        loaded.put(name, table);
      }
    }
    return loaded;
  }

  /** A table as {@code pragma_table_info} shows it, or null when it does not exist. */
  static CrrTable describe(SqliteConnection conn, String name) throws SQLException {
    Map<Integer, String> keys = new TreeMap<>();
    List<String> others = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    for (List<Object> column :
        Sql.queryRows(conn, "SELECT name, type, pk FROM pragma_table_info(?)", name)) {
      String column0 = (String) column.get(0);
      types.put(column0, ((String) column.get(1)).toUpperCase(Locale.ROOT));
      int pk = ((Number) column.get(2)).intValue();
      if (pk > 0) {
        keys.put(pk, column0);
      } else {
        others.add(column0);
      }
    }
    if (types.isEmpty()) {
      return null;
    }
    boolean strict =
        Sql.queryLong(conn, "SELECT count(*) FROM pragma_table_list(?) WHERE strict", name) > 0;
    return new CrrTable(
        name,
        List.copyOf(keys.values()),
        List.copyOf(others),
        strict,
        strict ? Map.copyOf(types) : Map.of());
  }
}
