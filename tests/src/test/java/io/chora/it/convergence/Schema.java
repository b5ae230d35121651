package io.chora.it.convergence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tables of a workload with some {@link Feature features}, the migration {@link #V2} of {@link
 * Feature#SCHEMA_STEPS}, and how a replica's rows are dumped to compare replicas: every row of
 * every table, each as {@code t|a|b|c} (on v2, {@code item} as {@code item|id|name|qty|note}) with
 * SQL-quoted values.
 */
public final class Schema {
  private Schema() {}

  /** A table the {@link Model} checks: with nullable key columns, with NOT NULL ones, its dump. */
  private record Table(String create, String createNotNullKeys, String dump) {}

  /** A statement that may write to a table the {@link Model} checks. */
  private static final Pattern MODELED = Pattern.compile("\\b(item|tag|review)\\b");

  /**
   * The migration of {@link Feature#SCHEMA_STEPS}, which each replica runs through chora: a column
   * with a default on {@code item} (rows written on v1 get the default) and a new table, both
   * checked by the {@link Model}.
   */
  static final String[] V2 = {
    "ALTER TABLE item ADD COLUMN note TEXT DEFAULT ''",
    "CREATE TABLE review(id INT PRIMARY KEY, item INTEGER, stars INTEGER)"
  };

  /** The dumps of {@code item} and {@code review} on v2. */
  private static final String[] V2_DUMPS = {
    "SELECT 'item', quote(id), quote(name), quote(qty), quote(note) FROM item ORDER BY id",
    "SELECT 'review', quote(id), quote(item), quote(stars) FROM review ORDER BY id"
  };

  // INT, not INTEGER: a key that names the entity (not the rowid), so that rows written under one
  // key by several replicas are one row merged cell by cell, as the Model folds them
  private static final Table ITEM =
      new Table(
          "CREATE TABLE item(id INT PRIMARY KEY, name TEXT, qty INTEGER)",
          "CREATE TABLE item(id INT PRIMARY KEY NOT NULL, name TEXT, qty INTEGER)",
          "SELECT 'item', quote(id), quote(name), quote(qty) FROM item ORDER BY id");
  private static final Table TAG =
      new Table(
          "CREATE TABLE tag(item INTEGER, label TEXT, weight REAL, PRIMARY KEY (item, label))",
          "CREATE TABLE tag(item INTEGER NOT NULL, label TEXT NOT NULL, weight REAL,"
              + " PRIMARY KEY (item, label))",
          "SELECT 'tag', quote(item), quote(label), quote(weight) FROM tag ORDER BY item, label");

  private static final String[] FOREIGN_KEYS = {
    "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE child(id INTEGER PRIMARY KEY,"
        + " parent INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE, note TEXT)",
    "CREATE TABLE visit(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id), note TEXT)"
  };
  private static final String[] FOREIGN_KEY_DUMPS = {
    "SELECT 'parent', quote(id), quote(name), '' FROM parent ORDER BY id",
    "SELECT 'child', quote(id), quote(parent), quote(note) FROM child ORDER BY id",
    "SELECT 'visit', quote(id), quote(parent), quote(note) FROM visit ORDER BY id"
  };
  private static final String PERSON =
      "CREATE TABLE person(id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT)";

  /** Rows keyed by the rowid: each insert writes a new owner, each update a body of its owner. */
  private static final String MEMO =
      "CREATE TABLE memo(id INTEGER PRIMARY KEY, owner TEXT NOT NULL, body TEXT)";

  static final String MEMO_DUMP =
      "SELECT 'memo', quote(id), quote(owner), quote(body) FROM memo ORDER BY id";
  private static final String PERSON_DUMP =
      "SELECT 'person', quote(id), quote(email), quote(name) FROM person ORDER BY id";

  /** The CREATE TABLE statements of a workload with {@code features}. */
  public static String[] create(Set<Feature> features) {
    boolean nullable = features.contains(Feature.NULLABLE_KEYS);
    List<String> sql = new ArrayList<>();
    for (Table t : List.of(ITEM, TAG)) {
      sql.add(nullable ? t.create() : t.createNotNullKeys());
    }
    if (features.contains(Feature.FOREIGN_KEYS)) {
      sql.addAll(List.of(FOREIGN_KEYS));
    }
    if (features.contains(Feature.UNIQUE_COLUMNS)) {
      sql.add(PERSON);
    }
    if (features.contains(Feature.ROWID_RECORDS) || features.contains(Feature.GENERATED_KEYS)) {
      sql.add(MEMO);
    }
    return sql.toArray(String[]::new);
  }

  /**
   * The tables {@code item}, {@code tag} and {@code review} (v2) as the {@link Model} renders them.
   */
  static String[] modelTables() {
    return new String[] {ITEM.create(), TAG.create(), V2[0], V2[1]};
  }

  /** The dumps of the tables the {@link Model} checks, on v1 or on {@code v2}. */
  static String[] modelDumps(boolean v2) {
    return v2
        ? new String[] {V2_DUMPS[0], TAG.dump(), V2_DUMPS[1]}
        : new String[] {ITEM.dump(), TAG.dump()};
  }

  /** The queries that dump every table of a workload with {@code features}, in table order. */
  public static String[] dumps(Set<Feature> features) {
    return dumps(features, false);
  }

  /** The queries that dump every table, on v1 or on {@code v2} ({@link #V2}). */
  static String[] dumps(Set<Feature> features, boolean v2) {
    List<String> sql = new ArrayList<>(List.of(modelDumps(v2)));
    if (features.contains(Feature.FOREIGN_KEYS)) {
      sql.addAll(List.of(FOREIGN_KEY_DUMPS));
    }
    if (features.contains(Feature.UNIQUE_COLUMNS)) {
      sql.add(PERSON_DUMP);
    }
    if (features.contains(Feature.ROWID_RECORDS) || features.contains(Feature.GENERATED_KEYS)) {
      sql.add(MEMO_DUMP);
    }
    return sql.toArray(String[]::new);
  }

  /** Whether a statement may write to a table the {@link Model} checks. */
  static boolean modeled(String sql) {
    return MODELED.matcher(sql).find();
  }

  /** The rows of these queries, each as {@code a|b|c|d…}. */
  static List<String> dump(Connection c, String... queries) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      for (String sql : queries) {
        try (ResultSet rs = st.executeQuery(sql)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder(rs.getString(1));
            for (int i = 2; i <= columns; i++) {
              row.append('|').append(rs.getString(i));
            }
            rows.add(row.toString());
          }
        }
      }
    }
    return rows;
  }
}
