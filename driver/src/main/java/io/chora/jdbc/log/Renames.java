package io.chora.jdbc.log;

import io.chora.jdbc.sql.SqlClassifier.ColumnAdd;
import io.chora.jdbc.sql.SqlClassifier.ColumnRename;
import io.chora.sync.Change;
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

/**
 * Tables and columns renamed on this replica: replicas still on the old schema write under the old
 * names, and those writes belong under the new ones. Each replica records the renames its own
 * migrations ran; a renamed column's writes are sent under its old names too ({@link OldNames}).
 *
 * <ul>
 *   <li>Columns renamed through the driver ({@code ALTER TABLE t RENAME COLUMN a TO b}), in {@code
 *       chora_renames} by table id (which survives a table rename). A rename also moves the
 *       column's merge state ({@code chora_cells}) and its ledger entries to the new name, so that
 *       later writes are ordered against the writes it already holds.
 *   <li>Tables renamed by anyone ({@code ALTER TABLE t RENAME TO u}), in {@code
 *       chora_table_renames}: found when the capture triggers are brought up to date, as they move
 *       with the table ({@link TriggerSync}).
 * </ul>
 *
 * A new column under an old name is refused: it would take the older replicas' writes. A new table
 * under an old name is not: the standard SQLite migration (create {@code t_new}, copy, drop {@code
 * t}, rename {@code t_new} to {@code t}) renames tables no other replica ever saw, and reuses their
 * names in the next migration. A table of a name always takes the writes under that name.
 */
final class Renames {
  static final String TABLE = "chora_renames";
  static final String TABLES_TABLE = "chora_table_renames";

  static final String[] SCHEMA = {
    // names as the schema spelled them; SQLite compares them without case
    "CREATE TABLE IF NOT EXISTS chora_renames(tbl INTEGER NOT NULL, old TEXT NOT NULL COLLATE"
        + " NOCASE, new TEXT NOT NULL, PRIMARY KEY (tbl, old)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_table_renames(old TEXT PRIMARY KEY, tbl INTEGER NOT NULL)"
        + " WITHOUT ROWID"
  };

  private Renames() {}

  /** Records that the table {@code id} was called {@code old}; a table of that name is gone. */
  static void tableRenamed(Connection conn, long id, String old, String now) throws SQLException {
    run(conn, "DELETE FROM chora_table_renames WHERE old = ?", lower(now)); // a name again
    run(conn, "INSERT OR REPLACE INTO chora_table_renames VALUES (?, ?)", lower(old), id);
  }

  /**
   * {@code rename} with its old name as the schema spells it (an ALTER may spell it in another
   * case): replicas on the old schema send it so. Call before the rename runs.
   */
  static ColumnRename spelled(Connection conn, ColumnRename rename) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT name FROM pragma_table_info(?) WHERE name = ? COLLATE NOCASE")) {
      ps.setString(1, rename.table());
      ps.setString(2, rename.from());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new ColumnRename(rename.table(), rs.getString(1), rename.to()) : rename;
      }
    }
  }

  /**
   * Records {@code rename}, just run in the open transaction; a table chora does not track has
   * nothing to record. Earlier renames to {@code from} now lead to {@code to}.
   */
  static void record(Connection conn, ColumnRename rename) throws SQLException {
    Long id = tableId(conn, rename.table());
    if (id == null || rename.from().equals(rename.to())) {
      return;
    }
    String from = rename.from();
    String to = rename.to();
    run(
        conn,
        "UPDATE chora_renames SET new = ? WHERE tbl = ? AND new = ? COLLATE NOCASE",
        to,
        id,
        from);
    run(conn, "DELETE FROM chora_renames WHERE tbl = ? AND old = ?", id, to); // a name again
    run(conn, "INSERT OR REPLACE INTO chora_renames VALUES (?, ?, ?)", id, from, to);
    run(
        conn,
        "UPDATE chora_cells SET col = ? WHERE tbl = ? AND col = ? COLLATE NOCASE",
        to,
        id,
        from);
    run(
        conn,
        "UPDATE chora_conflicts SET col = ? WHERE col = ? COLLATE NOCASE"
            + " AND tbl = (SELECT name FROM chora_tables WHERE id = ?)",
        to,
        from,
        id);
    Counters.renamed(conn, id, from, to);
  }

  /**
   * Maps received changes written under old names to the current ones: loaded once per apply, as
   * renames happen only in migrations. An old name sent beside the current one is the same value.
   */
  static final class Mapper {
    private final Map<Long, TableInfo> tables;
    private final Map<String, Long> ids = new HashMap<>();
    private final Map<String, Long> tablesOnceCalled = new HashMap<>();
    private final Map<Long, Map<String, String>> columns = new HashMap<>();

    Mapper(Connection conn, Map<Long, TableInfo> tables) throws SQLException {
      this.tables = tables;
      tables.forEach((id, t) -> ids.put(t.name(), id));
      try (Statement st = conn.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT old, tbl FROM chora_table_renames")) {
          while (rs.next()) {
            tablesOnceCalled.put(rs.getString(1), rs.getLong(2));
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT tbl, old, new FROM chora_renames")) {
          while (rs.next()) {
            columns
                .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .put(lower(rs.getString(2)), rs.getString(3));
          }
        }
      }
    }

    /** The change under the current names; the same change when nothing was renamed. */
    Change map(Change change) {
      if (tablesOnceCalled.isEmpty() && columns.isEmpty()) {
        return change;
      }
      Long id = ids.get(change.table());
      Change mapped = change;
      if (id == null) {
        id = tablesOnceCalled.get(lower(change.table()));
        if (id == null || !tables.containsKey(id)) {
          return change;
        }
        mapped =
            new Change(
                tables.get(id).name(),
                change.key(),
                change.kind(),
                change.causalLength(),
                change.values(),
                change.life(),
                change.adds());
      }
      Map<String, String> renamed = columns.get(id);
      if (renamed == null) {
        return mapped;
      }
      TableInfo table = tables.get(id);
      Map<String, Object> moved = null;
      for (String column : change.values().keySet()) {
        String to = table.columns().contains(column) ? null : renamed.get(lower(column));
        if (to != null && table.columns().contains(to)) {
          if (moved == null) {
            moved = new LinkedHashMap<>(change.values());
          }
          Object value = moved.remove(column);
          if (!change.values().containsKey(to)) {
            moved.put(to, value);
          } // else the sender sent the old name beside the new one (OldNames): the same value
        }
      }
      Map<String, Long> adds = null;
      for (String column : change.adds().keySet()) {
        String to = table.columns().contains(column) ? null : renamed.get(lower(column));
        if (to != null && table.columns().contains(to)) {
          if (adds == null) {
            adds = new LinkedHashMap<>(change.adds());
          }
          adds.put(to, adds.remove(column));
        }
      }
      if (moved != null) {
        mapped = mapped.withValues(moved);
      }
      return adds == null ? mapped : mapped.withAdds(adds);
    }
  }

  /**
   * For sending: the old names of each renamed column, sent beside the current name with the same
   * value, so that replicas still on the old schema take the write too (and pass it on, to others
   * on the old schema, under the name they know). Replicas that ran the rename drop the duplicate.
   */
  static final class OldNames {
    private final Map<String, Map<String, List<String>>> byTable = new HashMap<>();

    OldNames(Connection conn, Map<Long, TableInfo> tables) throws SQLException {
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("SELECT tbl, old, new FROM chora_renames ORDER BY old")) {
        while (rs.next()) {
          TableInfo table = tables.get(rs.getLong(1));
          if (table != null && !table.columns().contains(rs.getString(2))) {
            byTable
                .computeIfAbsent(table.name(), k -> new HashMap<>())
                .computeIfAbsent(rs.getString(3), k -> new ArrayList<>())
                .add(rs.getString(2));
          }
        }
      }
    }

    /** The changes with the old names of their renamed columns beside the current ones. */
    List<Change> withOldNames(List<Change> changes) {
      if (byTable.isEmpty()) {
        return changes;
      }
      List<Change> sent = new ArrayList<>(changes.size());
      for (Change change : changes) {
        Map<String, List<String>> renamed = byTable.get(change.table());
        Map<String, Object> values = null;
        if (renamed != null) {
          for (Map.Entry<String, Object> e : change.values().entrySet()) {
            for (String old : renamed.getOrDefault(e.getKey(), List.of())) {
              if (!change.values().containsKey(old)) {
                if (values == null) {
                  values = new LinkedHashMap<>(change.values());
                }
                values.put(old, e.getValue());
              }
            }
          }
        }
        Map<String, Long> adds = null;
        if (renamed != null) {
          // an increment, too: a receiver that has both names counts it once (Mapper, and
          // Counters keep one increment per transaction and cell)
          for (Map.Entry<String, Long> e : change.adds().entrySet()) {
            for (String old : renamed.getOrDefault(e.getKey(), List.of())) {
              if (!change.adds().containsKey(old) && !change.values().containsKey(old)) {
                if (adds == null) {
                  adds = new LinkedHashMap<>(change.adds());
                }
                adds.put(old, e.getValue());
              }
            }
          }
        }
        Change told = values == null ? change : change.withValues(values);
        sent.add(adds == null ? told : told.withAdds(adds));
      }
      return sent;
    }
  }

  private static void run(Connection conn, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  /**
   * Refuses a new column under a name a column of its table was renamed from: replicas still on the
   * old schema write that name, and their writes would land in the new column.
   */
  static void refuseReuse(Connection conn, ColumnAdd add) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT r.new FROM chora_renames r JOIN chora_tables t ON t.id = r.tbl"
                + " WHERE t.name = ? COLLATE NOCASE AND r.old = ?")) {
      ps.setString(1, add.table());
      ps.setString(2, add.column());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new SQLException(
              "chora: column "
                  + add.table()
                  + "."
                  + add.column()
                  + " was renamed to "
                  + rs.getString(1)
                  + ", and replicas on the schema before that rename still write "
                  + add.column()
                  + ": their writes go to "
                  + rs.getString(1)
                  + ". A new column under the old name would take them; choose another name"
                  + " (docs/schema-changes.md)");
        }
      }
    }
  }

  private static String lower(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  private static Long tableId(Connection conn, String name) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT id FROM chora_tables WHERE name = ? COLLATE NOCASE")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
