package io.chora.jdbc.log;

import io.chora.jdbc.seam.OwnInserts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Writes merged changes into user tables with plain SQL, so the capture triggers log them like any
 * other write (that log is what carries them on to further replicas). Statements are prepared once
 * per table and column set; identifiers come from the schema, never from the change set.
 */
final class TableWriter implements AutoCloseable {
  private final Connection conn;
  private final Map<String, Map<List<String>, PreparedStatement>> statements = new HashMap<>();

  TableWriter(Connection conn) {
    this.conn = conn;
  }

  /** Inserts a row: the key plus the given columns. */
  void insert(TableInfo table, List<Object> key, Map<String, Object> values) throws SQLException {
    List<String> columns = new ArrayList<>(table.keyColumns().size() + values.size());
    columns.addAll(table.keyColumns());
    for (String column : values.keySet()) {
      if (!table.keyColumns().contains(column)) {
        columns.add(column);
      }
    }
    PreparedStatement ps =
        statement(
            "I",
            table,
            columns,
            () ->
                OwnInserts.of("INSERT INTO ")
                    + Sql.id(table.name())
                    + "("
                    + columns.stream().map(Sql::id).collect(Collectors.joining(", "))
                    + ") VALUES ("
                    + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
                    + ")");
    int i = 1;
    for (Object part : key) {
      ps.setObject(i++, part);
    }
    for (String column : columns.subList(key.size(), columns.size())) {
      ps.setObject(i++, values.get(column));
    }
    ps.executeUpdate();
  }

  /** Updates the row's given columns; returns how many rows matched (0 or 1). */
  int update(TableInfo table, List<Object> key, Map<String, Object> values) throws SQLException {
    List<String> columns = new ArrayList<>(values.keySet());
    PreparedStatement ps =
        statement(
            "U",
            table,
            columns,
            () ->
                "UPDATE "
                    + Sql.id(table.name())
                    + " SET "
                    + columns.stream()
                        .map(c -> Sql.id(c) + " = ?")
                        .collect(Collectors.joining(", "))
                    + " WHERE "
                    + keyMatch(table));
    int i = 1;
    for (String column : columns) {
      ps.setObject(i++, values.get(column));
    }
    for (Object part : key) {
      ps.setObject(i++, part);
    }
    return ps.executeUpdate();
  }

  void delete(TableInfo table, List<Object> key) throws SQLException {
    PreparedStatement ps =
        statement(
            "D",
            table,
            List.of(),
            () -> "DELETE FROM " + Sql.id(table.name()) + " WHERE " + keyMatch(table));
    for (int i = 0; i < key.size(); i++) {
      ps.setObject(i + 1, key.get(i));
    }
    ps.executeUpdate();
  }

  private static String keyMatch(TableInfo table) {
    return table.keyColumns().stream()
        .map(c -> Sql.id(c) + " IS ?")
        .collect(Collectors.joining(" AND "));
  }

  /**
   * The statement of one kind for one table and column list, prepared on first use: the per-row
   * path builds no SQL text.
   */
  private PreparedStatement statement(
      String kind, TableInfo table, List<String> columns, Supplier<String> sql)
      throws SQLException {
    Map<List<String>, PreparedStatement> byColumns =
        statements.computeIfAbsent(kind + table.name(), k -> new HashMap<>());
    PreparedStatement ps = byColumns.get(columns);
    if (ps == null) {
      ps = conn.prepareStatement(sql.get());
      byColumns.put(List.copyOf(columns), ps);
    }
    return ps;
  }

  @Override
  public void close() throws SQLException {
    for (Map<List<String>, PreparedStatement> byColumns : statements.values()) {
      for (PreparedStatement ps : byColumns.values()) {
        ps.close();
      }
    }
  }
}
