package io.chora.jdbc.log;

import io.chora.sync.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The UNIQUE and FOREIGN KEY constraints a merge can run into, and the queries that find the rows
 * involved: the rows already holding a unique value, and the rows left referencing a parent that is
 * gone. Lookups are prepared once per apply; identifiers come from the schema only.
 */
final class Constraints implements AutoCloseable {
  /** One foreign key of a child table: its columns and the parent columns they reference. */
  record ForeignKey(
      String child, List<String> from, String parent, List<String> to, String onDelete) {

    /** Whether SQLite itself deletes or changes children when the parent goes. */
    boolean actsOnDelete() {
      return onDelete.equals("CASCADE") || onDelete.startsWith("SET");
    }

    String describe() {
      return "FOREIGN KEY("
          + String.join(", ", from)
          + ") REFERENCES "
          + parent
          + "("
          + String.join(", ", to)
          + ")";
    }
  }

  private final Connection conn;
  private final boolean enforced;
  private final Map<String, List<ForeignKey>> byChild = new HashMap<>();
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, List<UniqueIndex>> uniqueIndexes = new HashMap<>();

  Constraints(Connection conn, Collection<TableInfo> tables) throws SQLException {
    this.conn = conn;
    this.enforced = foreignKeysOn(conn);
    if (enforced) {
      for (TableInfo table : tables) {
        List<ForeignKey> keys = foreignKeys(table.name());
        if (!keys.isEmpty()) {
          byChild.put(table.name(), keys);
        }
      }
    }
  }

  /** Whether this connection enforces foreign keys ({@code PRAGMA foreign_keys}). */
  boolean enforced() {
    return enforced;
  }

  /** Foreign keys of tracked tables that reference {@code parent}. */
  List<ForeignKey> referencing(String parent) {
    List<ForeignKey> keys = new ArrayList<>();
    for (List<ForeignKey> of : byChild.values()) {
      for (ForeignKey fk : of) {
        if (fk.parent().equalsIgnoreCase(parent)) {
          keys.add(fk);
        }
      }
    }
    return keys;
  }

  List<ForeignKey> of(String child) {
    return byChild.getOrDefault(child, List.of());
  }

  /** Whether deleting a row of {@code table} may make SQLite change rows of other tables. */
  boolean deleteActsOnOthers(String table) {
    return referencing(table).stream().anyMatch(ForeignKey::actsOnDelete);
  }

  /** A row that already holds a unique value: its key and the UNIQUE columns it holds. */
  record Holder(List<Object> key, List<String> columns) {}

  /**
   * The other rows that hold the same values as {@code row} in one of the table's UNIQUE column
   * sets. NULLs never collide, as in SQLite.
   */
  List<Holder> holders(TableInfo table, List<Object> key, Map<String, Object> row)
      throws SQLException {
    List<Holder> found = new ArrayList<>();
    for (UniqueIndex index : uniqueIndexes(table)) {
      List<String> unique = index.columns();
      if (unique.stream().anyMatch(c -> row.get(c) == null)) {
        continue;
      }
      StringBuilder where = new StringBuilder();
      for (int i = 0; i < unique.size(); i++) {
        where
            .append(i == 0 ? "" : " AND ")
            .append(Sql.id(unique.get(i)))
            .append(" = ? COLLATE ")
            .append(Sql.id(index.collations().get(i))); // compare as the index does
      }
      PreparedStatement ps = statement(select(table) + " WHERE " + where);
      for (int i = 0; i < unique.size(); i++) {
        ps.setObject(i + 1, row.get(unique.get(i)));
      }
      for (List<Object> other : keys(ps, table.keyColumns().size())) {
        if (!SqlValues.equal(other, key)
            && found.stream().noneMatch(h -> SqlValues.equal(h.key(), other))) {
          found.add(new Holder(other, unique));
        }
      }
    }
    return found;
  }

  /** A UNIQUE index the rule can check: whole (not partial), on columns, with their collations. */
  record UniqueIndex(List<String> columns, List<String> collations) {}

  /**
   * The table's UNIQUE indexes other than the primary key that the rule covers. A partial index or
   * one on an expression is left out: a clash through it fails the apply with SQLite's error.
   */
  private List<UniqueIndex> uniqueIndexes(TableInfo table) throws SQLException {
    List<UniqueIndex> cached = uniqueIndexes.get(table.name());
    if (cached != null) {
      return cached;
    }
    List<String> names = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.index_list(" + Sql.id(table.name()) + ")")) {
      while (rs.next()) {
        if (rs.getInt("unique") == 1
            && !"pk".equals(rs.getString("origin"))
            && rs.getInt("partial") == 0) {
          names.add(rs.getString("name"));
        }
      }
    }
    List<UniqueIndex> indexes = new ArrayList<>();
    for (String name : names) {
      List<String> columns = new ArrayList<>();
      List<String> collations = new ArrayList<>();
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA main.index_xinfo(" + Sql.id(name) + ")")) {
        while (rs.next()) {
          if (rs.getInt("key") == 1) {
            columns.add(rs.getString("name")); // null for an expression
            collations.add(rs.getString("coll"));
          }
        }
      }
      if (!columns.isEmpty() && !columns.contains(null)) {
        indexes.add(new UniqueIndex(List.copyOf(columns), List.copyOf(collations)));
      }
    }
    uniqueIndexes.put(table.name(), indexes);
    return indexes;
  }

  /** Keys of rows of {@code child} whose foreign key {@code fk} points at no parent row. */
  List<List<Object>> orphans(TableInfo child, ForeignKey fk) throws SQLException {
    StringBuilder sql = new StringBuilder(select(child)).append(" AS c WHERE ");
    for (String column : fk.from()) {
      sql.append("c.").append(Sql.id(column)).append(" IS NOT NULL AND ");
    }
    sql.append("NOT EXISTS (SELECT 1 FROM ").append(Sql.id(fk.parent())).append(" AS p WHERE ");
    for (int i = 0; i < fk.from().size(); i++) {
      sql.append(i == 0 ? "" : " AND ")
          .append("p.")
          .append(Sql.id(fk.to().get(i)))
          .append(" = c.")
          .append(Sql.id(fk.from().get(i)));
    }
    return keys(statement(sql.append(")").toString()), child.keyColumns().size());
  }

  /** Keys of rows of {@code child} that reference the parent row with values {@code parentRow}. */
  List<List<Object>> children(TableInfo child, ForeignKey fk, Map<String, Object> parentRow)
      throws SQLException {
    PreparedStatement ps =
        statement(
            select(child)
                + " WHERE "
                + fk.from().stream()
                    .map(c -> Sql.id(c) + " = ?")
                    .collect(Collectors.joining(" AND ")));
    for (int i = 0; i < fk.to().size(); i++) {
      ps.setObject(i + 1, parentRow.get(fk.to().get(i)));
    }
    return keys(ps, child.keyColumns().size());
  }

  private static String select(TableInfo table) {
    return "SELECT "
        + table.keyColumns().stream().map(Sql::id).collect(Collectors.joining(", "))
        + " FROM "
        + Sql.id(table.name());
  }

  private static List<List<Object>> keys(PreparedStatement ps, int width) throws SQLException {
    List<List<Object>> keys = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        List<Object> key = new ArrayList<>(width);
        for (int i = 1; i <= width; i++) {
          key.add(RowReader.normalize(rs.getObject(i)));
        }
        keys.add(key);
      }
    }
    return keys;
  }

  private List<ForeignKey> foreignKeys(String table) throws SQLException {
    Map<Integer, ForeignKey> keys = new LinkedHashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.foreign_key_list(" + Sql.id(table) + ")")) {
      while (rs.next()) {
        int id = rs.getInt("id");
        ForeignKey fk = keys.get(id);
        if (fk == null) {
          String onDelete = Objects.requireNonNullElse(rs.getString("on_delete"), "NO ACTION");
          fk =
              new ForeignKey(
                  table, new ArrayList<>(), rs.getString("table"), new ArrayList<>(), onDelete);
          keys.put(id, fk);
        }
        fk.from().add(rs.getString("from"));
        fk.to().add(rs.getString("to"));
      }
    }
    List<ForeignKey> resolved = new ArrayList<>();
    for (ForeignKey fk : keys.values()) {
      List<String> to = fk.to();
      if (to.stream().anyMatch(Objects::isNull)) {
        to = TableInfo.read(conn, fk.parent()).keyColumns(); // REFERENCES parent: its primary key
      }
      resolved.add(
          new ForeignKey(
              table, List.copyOf(fk.from()), fk.parent(), List.copyOf(to), fk.onDelete()));
    }
    return resolved;
  }

  private static boolean foreignKeysOn(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA foreign_keys")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = conn.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : statements.values()) {
      ps.close();
    }
  }
}
