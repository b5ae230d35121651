package io.chora.jdbc.log;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes the SQL of the capture triggers for one table. They append one small row per changed row
 * to {@code chora_log}: table id, operation, primary key and, for updates, a bit mask of the
 * changed columns. Values are not copied: they are read from the table when changes are sent.
 * Triggers are named after the table's id, not its name, so that a rename keeps them attached.
 */
final class TriggerBuilder {
  /**
   * The form of the triggers this version makes; raise it when their SQL changes for existing
   * tables, so that files stamped by an older driver get them rebuilt ({@link TriggerSync}). 2: a
   * change of storage class alone is captured.
   */
  static final int FORM = 2;

  /** Columns past this many share the mask's top bit. */
  private static final int MASK_BITS = 63;

  private final TableInfo table;
  private final long id;

  TriggerBuilder(TableInfo table, long id) {
    this.table = table;
    this.id = id;
  }

  static String prefix(long id) {
    return "chora_" + id + "_";
  }

  /** Trigger name → its full CREATE TRIGGER text. */
  Map<String, String> triggers() {
    Map<String, String> sql = new LinkedHashMap<>();
    String t = Sql.id(table.name());
    sql.put(
        name("ins"),
        create("ins", "AFTER INSERT ON " + t, keyRequired() + append(LogOp.INSERT, key("NEW."))));
    sql.put(name("del"), create("del", "AFTER DELETE ON " + t, append(LogOp.DELETE, key("OLD."))));
    sql.put(name("upd"), create("upd", "AFTER UPDATE ON " + t, keyRequired() + updateBody()));
    if (!table.uniqueKeys().isEmpty()) {
      sql.put(name("bins"), create("bins", "BEFORE INSERT ON " + t, replacedBody("NEW.", null)));
      sql.put(name("bupd"), create("bupd", "BEFORE UPDATE ON " + t, replacedBody("NEW.", "OLD.")));
    }
    return sql;
  }

  /** The key expression for every existing row: used to adopt rows of a newly tracked table. */
  String adoptExisting() {
    return "INSERT INTO chora_log(tbl, op, pk) SELECT "
        + id
        + ", "
        + LogOp.INSERT
        + ", "
        + key("")
        + " FROM "
        + Sql.id(table.name())
        + " WHERE "
        + keyPresent();
  }

  /**
   * Every row whose {@code column} holds something other than {@code defaultSql} (its declared
   * default, SQL text, or null), logged as an update of that column: used for a column another
   * program added and wrote while the triggers did not know it ({@link TriggerSync}).
   */
  String logWrittenSinceAdded(String column, String defaultSql) {
    return "INSERT INTO chora_log(tbl, op, pk, cols) SELECT "
        + id
        + ", "
        + LogOp.UPDATE
        + ", "
        + key("")
        + ", "
        + maskOf(table.columns(), List.of(column))
        + " FROM "
        + Sql.id(table.name())
        + " WHERE "
        + Sql.id(column)
        + " IS NOT ("
        + (defaultSql == null ? "NULL" : defaultSql)
        + ") COLLATE BINARY AND "
        + keyPresent();
  }

  /** A row without a key cannot be synced. */
  private String keyPresent() {
    return table.keyColumns().stream()
        .map(c -> Sql.id(c) + " IS NOT NULL")
        .collect(Collectors.joining(" AND "));
  }

  /**
   * SQLite lets a key that is not the rowid be NULL; such a row has no identity to sync by, so the
   * write is refused with an error that says why.
   */
  private String keyRequired() {
    return "SELECT RAISE(ABORT, "
        + Sql.text(
            "chora: a row of "
                + table.name()
                + " needs a primary key value to be synced; declare "
                + String.join(", ", table.keyColumns())
                + " NOT NULL or give every row a key")
        + ") WHERE "
        + table.keyColumns().stream()
            .map(c -> "NEW." + Sql.id(c) + " IS NULL")
            .collect(Collectors.joining(" OR "))
        + ";";
  }

  private String name(String suffix) {
    return prefix(id) + suffix;
  }

  private String create(String suffix, String when, String body) {
    return "CREATE TRIGGER " + Sql.id(name(suffix)) + " " + when + " BEGIN " + body + " END";
  }

  private String updateBody() {
    String keyChanged =
        table.keyColumns().stream()
            .map(c -> changed(c))
            .collect(Collectors.joining(" OR ", "(", ")"));
    return "INSERT INTO chora_log(tbl, op, pk) SELECT "
        + id
        + ", "
        + LogOp.DELETE
        + ", "
        + key("OLD.")
        + " WHERE "
        + keyChanged
        + "; INSERT INTO chora_log(tbl, op, pk, cols) SELECT "
        + id
        + ", CASE WHEN "
        + keyChanged
        + " THEN "
        + LogOp.INSERT
        + " ELSE "
        + LogOp.UPDATE
        + " END, "
        + key("NEW.")
        + ", m FROM (SELECT "
        + mask()
        + " AS m) WHERE m <> 0 OR "
        + keyChanged
        + ";";
  }

  private String replacedBody(String row, String oldRow) {
    List<String> conflicts = new ArrayList<>();
    for (List<String> unique : table.uniqueKeys()) {
      conflicts.add(
          unique.stream()
              .map(c -> Sql.id(c) + " = " + row + Sql.id(c))
              .collect(Collectors.joining(" AND ", "(", ")")));
    }
    String where = String.join(" OR ", conflicts);
    if (oldRow != null) {
      where =
          "("
              + where
              + ") AND NOT ("
              + table.keyColumns().stream()
                  .map(c -> Sql.id(c) + " IS " + oldRow + Sql.id(c))
                  .collect(Collectors.joining(" AND "))
              + ")";
    }
    return "INSERT INTO chora_log(tbl, op, pk) SELECT "
        + id
        + ", "
        + LogOp.MAYBE_REPLACED
        + ", "
        + key("")
        + " FROM "
        + Sql.id(table.name())
        + " WHERE "
        + where
        + ";";
  }

  private String append(int op, String key) {
    return "INSERT INTO chora_log(tbl, op, pk) VALUES (" + id + ", " + op + ", " + key + ");";
  }

  /**
   * One column's value as it is, or for composite keys the parts joined by commas: TEXT as {@code
   * T} + hex of its UTF-8 bytes (quote() would stop at a NUL), everything else as quote() renders
   * it, which is exact for every other storage class. Decoded by {@link KeyCodec}.
   */
  private String key(String row) {
    return keyOf(table, row);
  }

  /** {@link #key} of {@code table}'s row {@code row} ("NEW.", "OLD." or "" for the table's). */
  static String keyOf(TableInfo table, String row) {
    List<String> cols = table.keyColumns();
    if (cols.size() == 1) {
      return row + Sql.id(cols.get(0));
    }
    return cols.stream()
        .map(c -> row + Sql.id(c))
        .map(
            v ->
                "CASE typeof("
                    + v
                    + ") WHEN 'text' THEN 'T' || hex("
                    + v
                    + ") ELSE quote("
                    + v
                    + ") END")
        .collect(Collectors.joining("||','||"));
  }

  // how changed() spells a column's comparison: OLD."name" IS NOT NEW."name"
  private static final Pattern COMPARED_COLUMN =
      Pattern.compile("OLD\\.\"((?:[^\"]|\"\")*)\" IS NOT NEW\\.");

  /** The columns an update trigger made by this class compares (see {@link #changed}). */
  static Set<String> comparedColumns(String updateTrigger) {
    Set<String> columns = new HashSet<>();
    Matcher named = COMPARED_COLUMN.matcher(updateTrigger);
    while (named.find()) {
      columns.add(named.group(1).replace("\"\"", "\""));
    }
    return columns;
  }

  /**
   * Whether an UPDATE changed {@code column}: its value, or in a column that keeps every storage
   * class only that (INTEGER 1 and REAL 1.0 compare equal, but an application reads an Integer or a
   * Double, and a key part's encoding differs).
   */
  private String changed(String column) {
    String c = Sql.id(column);
    String value = "OLD." + c + " IS NOT NEW." + c + " COLLATE BINARY";
    return table.keepsEveryStorageClass(column)
        ? value + " OR typeof(OLD." + c + ") IS NOT typeof(NEW." + c + ")"
        : value;
  }

  private String mask() {
    List<String> cols = table.columns();
    List<String> bits = new ArrayList<>();
    for (int i = 0; i < Math.min(cols.size(), MASK_BITS); i++) {
      bits.add("((" + changed(cols.get(i)) + ") << " + i + ")");
    }
    if (cols.size() > MASK_BITS) {
      bits.add(
          cols.subList(MASK_BITS, cols.size()).stream()
              .map(c -> "(" + changed(c) + ")")
              .collect(Collectors.joining(" OR ", "((", ") << " + MASK_BITS + ")")));
    }
    return String.join(" | ", bits);
  }

  /** The update mask that names {@code written} among a table's {@code columns}. */
  static long maskOf(List<String> columns, java.util.Collection<String> written) {
    long mask = 0;
    for (String column : written) {
      mask |= 1L << Math.min(columns.indexOf(column), MASK_BITS);
    }
    return mask;
  }

  /** The column names an update mask names, in table order. */
  static List<String> columnsOf(long mask, List<String> columns) {
    List<String> named = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      int bit = Math.min(i, MASK_BITS);
      if ((mask & (1L << bit)) != 0) {
        named.add(columns.get(i));
      }
    }
    return named;
  }
}
