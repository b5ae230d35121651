package io.chora.jdbc.shared;

import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Transaction;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The checks of one incoming change that both engines make before anything is written: the table is
 * one this replica syncs, the key is whole and fits, a delete carries no values, and each value
 * fits its column. What a mode's changes carry besides (java mode's cells, cr-sqlite's bookkeeping
 * columns) each engine's set check adds.
 */
public final class ChangeChecks {
  private final long maxValueBytes;

  public ChangeChecks(long maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  /** The change's table, with its key and kind checked; else a refusal naming the problem. */
  public <T extends SyncedTable> T table(Map<String, T> tables, Transaction tx, Change change)
      throws SQLException {
    T table = tables.get(change.table());
    if (table == null) {
      throw Refusals.changeSet(
          "transaction "
              + tx.dot()
              + " changes unknown or untracked table '"
              + change.table()
              + "'");
    }
    ValueRules.checkKey(
        table.name(),
        table.keyColumns(),
        change.key(),
        table.strict(),
        table.types(),
        maxValueBytes);
    if (change.kind() == ChangeKind.DELETE && !change.values().isEmpty()) {
      throw Refusals.changeSet("delete of " + table.name() + " carries values; a delete has none");
    }
    return table;
  }

  /** The longest table or column name a change may name that this replica does not have. */
  public static final int MAX_NAME_LENGTH = 1_000;

  /**
   * A change of a table this replica does not have (java mode keeps it aside), checked without a
   * schema: a name no user table could have here is refused ({@code sqlite_*}, or one of chora's
   * own, {@code own}), as is a key without parts or with a NULL part, or a value too large.
   */
  public void unknownTable(Transaction tx, Change change, Predicate<String> own)
      throws SQLException {
    String table = change.table();
    name(table, "table");
    if (own.test(table) || table.regionMatches(true, 0, "sqlite_", 0, 7)) {
      throw Refusals.changeSet(
          "transaction "
              + tx.dot()
              + " changes table '"
              + table
              + "', a name SQLite or chora keep");
    }
    if (change.key().isEmpty()) {
      throw Refusals.changeSet("key of " + table + " has no parts");
    }
    List<String> parts =
        IntStream.range(0, change.key().size()).mapToObj(i -> "key part " + (i + 1)).toList();
    ValueRules.checkKey(table, parts, change.key(), false, Map.of(), maxValueBytes);
    if (change.kind() == ChangeKind.DELETE && !change.values().isEmpty()) {
      throw Refusals.changeSet("delete of " + table + " carries values; a delete has none");
    }
    for (Map.Entry<String, Object> e : change.values().entrySet()) {
      unknownColumn(table, e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Long> e : change.adds().entrySet()) {
      unknownColumn(table, e.getKey(), e.getValue());
    }
  }

  /**
   * A value for a column its table does not have here (java mode keeps it aside). A name SQLite
   * gives the rowid is refused: a column added later under it would be the rowid itself.
   */
  public void unknownColumn(String table, String column, Object value) throws SQLException {
    name(column, "column of " + table);
    if (ROWID_NAMES.contains(column.toLowerCase(Locale.ROOT))) {
      throw Refusals.changeSet(
          "a change of "
              + table
              + " writes column '"
              + column
              + "', which this replica does not have and SQLite takes for the rowid");
    }
    ValueRules.checkValue(table, column, value, false, Map.of(), maxValueBytes);
  }

  private static final Set<String> ROWID_NAMES = Set.of("rowid", "oid", "_rowid_");

  /** A table or column name from the network: not empty, not too long, no control characters. */
  static void name(String name, String what) throws SQLException {
    if (!fineName(name)) {
      throw Refusals.changeSet(
          "a change names a "
              + what
              + " that is empty, longer than "
              + MAX_NAME_LENGTH
              + " characters or holds control characters");
    }
  }

  /** Whether {@link #name} lets {@code name} pass: callers build its message only if not. */
  static boolean fineName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** One value for {@code column}, which the caller has found in {@code table}. */
  public void value(SyncedTable table, String column, Object value) throws SQLException {
    ValueRules.checkValue(
        table.name(), column, value, table.strict(), table.types(), maxValueBytes);
  }
}
