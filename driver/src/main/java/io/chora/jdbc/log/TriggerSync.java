package io.chora.jdbc.log;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the capture triggers in the file in step with the schema: one set per tracked table,
 * recreated when a table's columns or keys change, dropped when a table stops being tracked.
 * Triggers live in the database file (not TEMP) so that writes made by other programs, such as the
 * sqlite3 shell, are logged too; the next chora commit adopts them as local changes.
 */
final class TriggerSync {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
  private static final Pattern OWN_TRIGGER =
      Pattern.compile("chora_([0-9]+)_(ins|del|upd|bins|bupd)");

  /** chora's own tables; a user table may still be called chora_something. */
  private static final Set<String> OWN_TABLES =
      java.util.stream.Stream.concat(
              CaptureSchema.OBJECTS.stream(),
              java.util.stream.Stream.of(
                  io.chora.jdbc.shared.SyncHistory.HUB_TABLE,
                  io.chora.jdbc.shared.QuarantineTable.NAME,
                  io.chora.jdbc.shared.SyncHistory.DIVERGENCE_TABLE))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** One of chora's own tables or views. */
  static boolean isOwnTable(String name) {
    return OWN_TABLES.contains(name);
  }

  /**
   * Bookkeeping of schema migration tools (Flyway, Liquibase): each replica runs its migrations
   * itself, so their history is its own. Tracked only when {@code chora.tables} names them.
   */
  private static final Set<String> MIGRATION_HISTORY =
      Set.of("flyway_schema_history", "databasechangelog", "databasechangeloglock");

  private TriggerSync() {}

  /**
   * Brings triggers up to date and returns the tracked tables by id. Call inside a write
   * transaction. {@code only} limits tracking to the named tables (null: every table with a primary
   * key); it is stored, so later opens without the option keep it.
   */
  static Map<Long, TableInfo> sync(Connection conn, Set<String> only, String dbLabel)
      throws SQLException {
    if (only != null) {
      if (!String.join(",", only).equals(CaptureSchema.meta(conn, "tables"))) {
        CaptureSchema.setMeta(conn, "tables", String.join(",", only));
      }
    } else {
      String stored = CaptureSchema.meta(conn, "tables");
      only = stored == null ? null : Set.of(stored.split(","));
    }
    Map<String, String> existing = existingTriggers(conn);
    Map<Long, String> ids = followRenames(conn, existing);
    Map<Long, TableInfo> tracked = new LinkedHashMap<>();
    Map<String, String> wanted = new HashMap<>();
    for (String table : userTables(conn)) {
      if (only != null
          ? !only.contains(table)
          : MIGRATION_HISTORY.contains(table.toLowerCase(java.util.Locale.ROOT))) {
        continue;
      }
      TableInfo info = TableInfo.read(conn, table);
      if (!info.hasPrimaryKey()) {
        if (WARNED.add(dbLabel + "/" + table)) {
          LOG.log(
              Level.WARNING,
              "chora: table {0} has no primary key and is not tracked; its changes will not sync",
              table);
        }
        continue;
      }
      long id = idOf(conn, ids, table);
      tracked.put(id, info);
      TriggerBuilder builder = new TriggerBuilder(info, id);
      Map<String, String> sql = builder.triggers();
      boolean wasTracked =
          existing.keySet().stream().anyMatch(n -> n.startsWith(TriggerBuilder.prefix(id)));
      try (Statement st = conn.createStatement()) {
        for (Map.Entry<String, String> t : sql.entrySet()) {
          if (!t.getValue().equals(existing.get(t.getKey()))) {
            st.execute("DROP TRIGGER IF EXISTS " + Sql.id(t.getKey()));
            st.execute(t.getValue());
          }
        }
        if (!wasTracked) {
          st.execute(builder.adoptExisting()); // rows written before tracking began
        } else {
          logColumnsAddedBehind(
              conn, info, builder, existing.get(TriggerBuilder.prefix(id) + "upd"));
        }
      }
      wanted.putAll(sql);
    }
    try (Statement st = conn.createStatement()) {
      for (String name : existing.keySet()) {
        if (!wanted.containsKey(name)) {
          st.execute("DROP TRIGGER IF EXISTS " + Sql.id(name));
        }
      }
    }
    stampSchemaVersion(conn);
    return tracked;
  }

  /**
   * Another program added columns to a tracked table ({@code ALTER TABLE ... ADD COLUMN}, which
   * appends) and may have written them before chora saw the schema: the update trigger it fired was
   * made for the old columns and did not record those writes. Each row whose new column holds
   * something other than the column's default is logged as an update of that column, so the value
   * syncs as this replica's write (the open's own commit) instead of differing silently from every
   * replica that never saw it. Columns the old trigger named are left to what it recorded.
   */
  private static void logColumnsAddedBehind(
      Connection conn, TableInfo info, TriggerBuilder builder, String oldUpdateTrigger)
      throws SQLException {
    if (oldUpdateTrigger == null) {
      return;
    }
    List<String> columns = info.columns();
    Set<String> known = TriggerBuilder.comparedColumns(oldUpdateTrigger);
    if (known.isEmpty() || !columns.containsAll(known)) {
      return; // a column renamed or dropped, or a trigger of another form: nothing was appended
    }
    List<String> added = columns.stream().filter(c -> !known.contains(c)).toList();
    try (Statement st = conn.createStatement()) {
      for (String column : added) {
        st.execute(builder.logWrittenSinceAdded(column, defaultOf(conn, info.name(), column)));
      }
    }
  }

  /** The default expression a column was declared with (SQL text), or null. */
  private static String defaultOf(Connection conn, String table, String column)
      throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.table_info(" + Sql.id(table) + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equals(column)) {
          return rs.getString("dflt_value");
        }
      }
    }
    return null;
  }

  /** Records that the triggers match the schema as it is now (see {@link #isCurrent}). */
  static void stampSchemaVersion(Connection conn) throws SQLException {
    String synced = stamp(conn);
    if (!synced.equals(CaptureSchema.meta(conn, "schema_version"))) {
      CaptureSchema.setMeta(conn, "schema_version", synced);
    }
  }

  /**
   * True when the triggers were brought up to date at the schema's current version and with the
   * same table choice: then opening a connection needs no write transaction at all.
   */
  static boolean isCurrent(Connection conn, Set<String> only) throws SQLException {
    String synced = CaptureSchema.meta(conn, "schema_version");
    if (synced == null || !synced.equals(stamp(conn))) {
      return false;
    }
    return only == null || String.join(",", only).equals(CaptureSchema.meta(conn, "tables"));
  }

  /**
   * The schema version the triggers were made at, and the form {@link TriggerBuilder} makes them
   * in: a driver that captures differently (e.g. since storage-class changes count) rebuilds them
   * at its first open of a file an older version stamped.
   */
  private static String stamp(Connection conn) throws SQLException {
    return schemaVersion(conn) + "/" + TriggerBuilder.FORM;
  }

  private static long schemaVersion(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.schema_version")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Drops the triggers on {@code table} that name non-key columns (before DROP COLUMN). */
  static void dropColumnTriggers(Connection conn, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT name FROM main.sqlite_schema WHERE type = 'trigger' AND tbl_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Matcher own = OWN_TRIGGER.matcher(rs.getString(1));
          if (own.matches() && !own.group(2).equals("ins") && !own.group(2).equals("del")) {
            names.add(rs.getString(1));
          }
        }
      }
    }
    try (Statement st = conn.createStatement()) {
      for (String name : names) {
        st.execute("DROP TRIGGER " + Sql.id(name));
      }
    }
  }

  /** The tracked tables by id as they are now, without changing anything. */
  static Map<Long, TableInfo> tracked(Connection conn) throws SQLException {
    Map<Long, TableInfo> tracked = new LinkedHashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT t.id, t.name FROM chora_tables t WHERE EXISTS (SELECT 1 FROM"
                    + " main.sqlite_schema s WHERE s.type = 'trigger' AND s.name = 'chora_' ||"
                    + " t.id || '_ins')")) {
      while (rs.next()) {
        tracked.put(rs.getLong(1), TableInfo.read(conn, rs.getString(2)));
      }
    }
    return tracked;
  }

  /** chora trigger name → SQL, for triggers still in the schema. */
  private static Map<String, String> existingTriggers(Connection conn) throws SQLException {
    Map<String, String> triggers = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name, sql FROM main.sqlite_schema WHERE type = 'trigger'"
                    + " AND name GLOB 'chora_[0-9]*'")) {
      while (rs.next()) {
        if (OWN_TRIGGER.matcher(rs.getString(1)).matches()) {
          triggers.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return triggers;
  }

  /** Table ids by name, after renaming entries whose triggers now sit on a renamed table. */
  private static Map<Long, String> followRenames(Connection conn, Map<String, String> existing)
      throws SQLException {
    Map<Long, String> ids = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name FROM chora_tables")) {
      while (rs.next()) {
        ids.put(rs.getLong(1), rs.getString(2));
      }
    }
    Map<Long, String> renamed = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name, tbl_name FROM main.sqlite_schema WHERE type = 'trigger'"
                    + " AND name GLOB 'chora_[0-9]*_ins'")) {
      while (rs.next()) {
        Matcher own = OWN_TRIGGER.matcher(rs.getString(1));
        if (!own.matches()) {
          continue;
        }
        long id = Long.parseLong(own.group(1));
        if (!rs.getString(2).equals(ids.get(id))) {
          renamed.put(id, rs.getString(2));
        }
      }
    }
    for (Map.Entry<Long, String> e : renamed.entrySet()) {
      try (PreparedStatement drop =
              conn.prepareStatement("DELETE FROM chora_tables WHERE name = ? AND id <> ?");
          PreparedStatement rename =
              conn.prepareStatement("UPDATE chora_tables SET name = ? WHERE id = ?")) {
        drop.setString(1, e.getValue());
        drop.setLong(2, e.getKey());
        drop.executeUpdate();
        rename.setString(1, e.getValue());
        rename.setLong(2, e.getKey());
        rename.executeUpdate();
      }
      if (ids.get(e.getKey()) != null) {
        Renames.tableRenamed(conn, e.getKey(), ids.get(e.getKey()), e.getValue());
      }
      ids.values().remove(e.getValue());
      ids.put(e.getKey(), e.getValue());
    }
    return ids;
  }

  private static long idOf(Connection conn, Map<Long, String> ids, String table)
      throws SQLException {
    for (Map.Entry<Long, String> e : ids.entrySet()) {
      if (e.getValue().equals(table)) {
        return e.getKey();
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT INTO chora_tables(name) VALUES (?)")) {
      ps.setString(1, table);
      ps.executeUpdate();
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(id) FROM chora_tables")) {
      rs.next();
      long id = rs.getLong(1);
      ids.put(id, table);
      return id;
    }
  }

  private static List<String> userTables(Connection conn) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
                    + " AND name NOT GLOB 'sqlite_*' ORDER BY name")) {
      while (rs.next()) {
        if (!OWN_TABLES.contains(rs.getString(1))) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }
}
