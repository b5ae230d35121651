package io.chora.it;

import io.chora.it.ConvergenceTest.Stats;
import io.chora.jdbc.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One replica's random writes for {@link ModeTrial}, limited to what both modes support (no UNIQUE
 * besides the key, no foreign keys, no primary key changes): inserts, re-inserts of deleted keys,
 * upserts, REPLACE, updates of one row and of many, deletes, batches, in autocommit, JDBC and SQL
 * transactions (a quarter rolled back) and savepoints with partial rollback.
 */
final class ModeWorkload {
  private static final int ITEMS = 10;
  private static final String[] LABELS = {"a", "b", "c"};

  /** {@code {name}} is a random value; {@code ~} marks a write that may hit a taken key. */
  private static final String[] WRITES = {
    "INSERT INTO item(id, name, qty) VALUES ({absentItem}, {name}, {qty})",
    "~INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})",
    "INSERT INTO item(id, name, qty) SELECT id + 3, name || '+', qty FROM item"
        + " WHERE id + 3 <= 10 AND id + 3 NOT IN (SELECT id FROM item)",
    "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"
        + " ON CONFLICT(id) DO UPDATE SET qty = coalesce(item.qty, 0) + excluded.qty",
    "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty}) ON CONFLICT DO NOTHING",
    "INSERT OR REPLACE INTO item(id, name, qty) VALUES ({item}, {name}, {qty})",
    "REPLACE INTO item(id, name) VALUES ({item}, {name})",
    "UPDATE item SET qty = coalesce(qty, 0) + {small} WHERE id % {mod} = {bit}",
    "UPDATE item SET name = {name}, qty = {qty} WHERE id = {item}",
    "UPDATE item SET qty = NULL WHERE id = {item}",
    "DELETE FROM item WHERE id = {item}",
    "DELETE FROM item WHERE qty < {small}",
    "~INSERT INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})",
    "INSERT INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})"
        + " ON CONFLICT(item, label) DO UPDATE SET weight = excluded.weight",
    "REPLACE INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})",
    "UPDATE tag SET weight = coalesce(weight, 0) + 0.5 WHERE label = {label}",
    "DELETE FROM tag WHERE item = {tagItem}",
    "DELETE FROM tag WHERE item = {tagItem} AND label = {label}",
  };

  private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");
  private static final Object NONE = new Object();

  private final Connection db;
  private final String name;
  private final SplittableRandom rnd;
  private final Stats stats;
  private final List<String> trace;
  private final Set<Long> seen = new HashSet<>();

  ModeWorkload(Connection db, String name, SplittableRandom rnd, Stats stats, List<String> trace) {
    this.db = db;
    this.name = name;
    this.rnd = rnd;
    this.stats = stats;
    this.trace = trace;
  }

  /** One autocommit write, or a transaction of {@code size} writes in one of four styles. */
  void unit(int size) throws SQLException {
    if (size == 1) {
      op();
      return;
    }
    boolean rollback = rnd.nextInt(4) == 0;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        trace.add(name + ": (JDBC transaction)");
        db.setAutoCommit(false);
        ops(size);
        end(rollback);
        db.setAutoCommit(true);
      }
      case 1 -> {
        sql("BEGIN");
        ops(size);
        sql(rollback ? "ROLLBACK" : "COMMIT");
      }
      case 2 -> {
        sql("SAVEPOINT outer_sp");
        op();
        sql("SAVEPOINT inner_sp");
        ops(size - 1);
        if (rnd.nextBoolean()) {
          sql("ROLLBACK TO inner_sp");
          op();
        }
        sql("RELEASE inner_sp");
        if (rollback) {
          sql("ROLLBACK TO outer_sp");
        }
        sql("RELEASE outer_sp");
      }
      default -> {
        trace.add(name + ": (JDBC transaction with a savepoint)");
        db.setAutoCommit(false);
        op();
        Savepoint sp = db.setSavepoint();
        ops(size - 1);
        if (rnd.nextBoolean()) {
          db.rollback(sp);
        }
        end(rollback);
        db.setAutoCommit(true);
      }
    }
    stats.add(rollback ? "transactions rolled back" : "transactions committed");
  }

  private void end(boolean rollback) throws SQLException {
    trace.add(name + ": (JDBC " + (rollback ? "rollback" : "commit") + ")");
    if (rollback) {
      db.rollback();
    } else {
      db.commit();
    }
  }

  private void ops(int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      op();
    }
  }

  private void op() throws SQLException {
    stats.add("writes");
    int which = rnd.nextInt(WRITES.length + 1);
    if (which == WRITES.length) {
      batch();
      return;
    }
    String template = WRITES[which];
    boolean mayFail = template.startsWith("~");
    List<Object> params = new ArrayList<>();
    Matcher m = PARAM.matcher(mayFail ? template.substring(1) : template);
    StringBuilder sql = new StringBuilder();
    while (m.find()) {
      Object value = value(m.group(1));
      if (value == NONE) {
        return; // no such row here: nothing to write
      }
      params.add(value);
      m.appendReplacement(sql, "?");
    }
    m.appendTail(sql);
    try {
      write(sql.toString(), params.toArray());
    } catch (SQLException e) {
      if (!mayFail || !String.valueOf(e.getMessage()).contains("constraint failed")) {
        throw e;
      }
      stats.add("writes refused locally");
      trace.add("  (refused locally: " + e.getMessage() + ")");
    }
  }

  private Object value(String param) throws SQLException {
    return switch (param) {
      case "item" -> 1L + rnd.nextInt(ITEMS);
      case "absentItem" -> absentItem();
      case "name" -> "n" + rnd.nextInt(40);
      case "qty" -> rnd.nextInt(10) == 0 ? null : (long) rnd.nextInt(-5, 50);
      case "small" -> (long) rnd.nextInt(1, 30);
      case "mod" -> 2L + rnd.nextInt(2);
      case "bit" -> (long) rnd.nextInt(2);
      case "tagItem" -> 1L + rnd.nextInt(5);
      case "label" -> LABELS[rnd.nextInt(LABELS.length)];
      case "weight" -> rnd.nextInt(10) == 0 ? null : rnd.nextInt(40) * 0.25;
      default -> throw new IllegalArgumentException(param);
    };
  }

  /** A key this replica does not hold, preferably one it held before (a re-insert). */
  private Object absentItem() throws SQLException {
    List<Long> present = keys();
    seen.addAll(present);
    List<Long> absent = new ArrayList<>();
    List<Long> again = new ArrayList<>();
    for (long id = 1; id <= ITEMS; id++) {
      if (!present.contains(id)) {
        (seen.contains(id) ? again : absent).add(id);
      }
    }
    return pick(!again.isEmpty() && (absent.isEmpty() || rnd.nextBoolean()) ? again : absent);
  }

  private List<Long> keys() throws SQLException {
    List<Long> keys = new ArrayList<>();
    for (String row : Db.rows(db, "SELECT id FROM item")) {
      keys.add(Long.parseLong(row));
    }
    return keys;
  }

  private Object pick(List<Long> from) {
    return from.isEmpty() ? NONE : from.get(rnd.nextInt(from.size()));
  }

  private void batch() throws SQLException {
    String sql =
        "INSERT INTO item(id, name, qty) VALUES (?, ?, ?)"
            + " ON CONFLICT(id) DO UPDATE SET name = excluded.name";
    StringBuilder what = new StringBuilder(name + ": batch " + sql + " x");
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 2 + rnd.nextInt(2); i > 0; i--) {
        Object[] row = {value("item"), value("name"), value("qty")};
        what.append(' ').append(java.util.Arrays.toString(row));
        for (int k = 0; k < row.length; k++) {
          ps.setObject(k + 1, row[k]);
        }
        ps.addBatch();
      }
      trace.add(what.toString());
      ps.executeBatch();
    }
  }

  private void sql(String sql) throws SQLException {
    write(sql);
  }

  /** Runs one statement, prepared or with its values inlined, and logs it. */
  private void write(String sql, Object... params) throws SQLException {
    String literal = inline(sql, params);
    boolean prepared = params.length > 0 && rnd.nextBoolean();
    trace.add(name + ": " + literal + (prepared ? "  [prepared]" : ""));
    if (prepared) {
      try (PreparedStatement ps = db.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        ps.execute();
      }
    } else {
      try (Statement st = db.createStatement()) {
        st.execute(literal);
      }
    }
  }

  private static String inline(String sql, Object... params) {
    StringBuilder out = new StringBuilder();
    int p = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?' && p < params.length) {
        Object v = params[p++];
        out.append(v instanceof String s ? "'" + s + "'" : String.valueOf(v).toUpperCase());
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }
}
