package io.chora.it.convergence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replicas' random writes: single inserts, {@code INSERT … SELECT} (also from {@code VALUES}
 * and a recursive CTE), upserts ({@code ON CONFLICT DO UPDATE} and {@code DO NOTHING}), {@code
 * INSERT OR REPLACE}/{@code REPLACE}, {@code INSERT OR IGNORE}, {@code UPDATE … WHERE} over many
 * rows, deletes, re-inserts of deleted keys, batches, plain inserts that fail locally on a taken
 * key; with {@link Feature#KEY_CHANGES} primary-key changes (single and composite), with {@link
 * Feature#FOREIGN_KEYS} parents, {@code ON DELETE CASCADE} children and visits, with {@link
 * Feature#UNIQUE_COLUMNS} persons whose UNIQUE email is drawn from four values. Each unit of work
 * is one autocommit write or a JDBC or SQL transaction (a quarter rolled back), some with SQL or
 * JDBC savepoints and partial rollback. With {@link Feature#SCHEMA_STEPS} a unit of work of size 0
 * is the replica's {@link #migrate migration} to v2, after which it also writes {@code item.note}
 * and {@code review}.
 *
 * <p>Parents 1 and 2 exist everywhere before any workload and are never deleted; parents 100(r+1)+k
 * and children 1000(r+1)+k belong to replica r, which inserts or replaces them, but any replica may
 * delete any parent while others add children or visits under it.
 */
public final class Workload {
  private static final int ITEMS = 10;
  private static final int TAGGED = 5;
  private static final String[] LABELS = {"a", "b", "c"};
  private static final int SHARED_CHILDREN = 6;

  private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");
  private static final Object NONE = new Object();

  private final SplittableRandom rnd;
  private final Stats stats;
  private final Consumer<String> trace;
  private final Connection[] db;

  /** The templates of {@link Writes} that the features allow, on v1 and after the migration. */
  private final List<String> writes;

  private final List<String> writesV2;

  /** Per replica, whether it has migrated to v2 ({@link Schema#V2}). */
  private final boolean[] migrated;

  /** Per replica, the items it has held, for re-inserts. */
  private final List<Set<Long>> seen = new ArrayList<>();

  /** Inserts into {@code memo} so far: each names its row's owner, unique across replicas. */
  private int owners;

  /** Whether the current unit of work wrote to {@code item} or {@code tag}. */
  boolean modeledWrite;

  /**
   * Writes with {@code features} to replicas {@code db} (replica r is {@code db[r]}, named {@code
   * r<r>} in the trace), every choice from {@code rnd}.
   */
  public Workload(
      Set<Feature> features,
      SplittableRandom rnd,
      Stats stats,
      Consumer<String> trace,
      Connection... db) {
    this.rnd = rnd;
    this.stats = stats;
    this.trace = trace;
    this.db = db;
    this.writes = Writes.allowedBy(features);
    this.writesV2 = Writes.afterMigration(features);
    this.migrated = new boolean[db.length];
    for (int r = 0; r < db.length; r++) {
      seen.add(new HashSet<>());
    }
  }

  /** Parents 1 and 2, written on r0 before any workload (then synced to all). */
  void parents() throws SQLException {
    write(0, "INSERT INTO parent(id, name) VALUES (1, 'p1'), (2, 'p2')");
  }

  /**
   * One autocommit write, or a transaction of {@code size} writes in one of four styles, or with
   * size 0 the replica's migration.
   */
  public void work(int r, int size) throws SQLException {
    Connection c = db[r];
    if (size == 0) {
      migrate(r);
      return;
    }
    if (size == 1) {
      op(r);
      return;
    }
    boolean rollback = rnd.nextInt(4) == 0;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        trace.accept("r" + r + ": (JDBC transaction)");
        c.setAutoCommit(false);
        ops(r, size);
        end(r, rollback);
        c.setAutoCommit(true);
      }
      case 1 -> {
        write(r, "BEGIN");
        ops(r, size);
        write(r, rollback ? "ROLLBACK" : "COMMIT");
      }
      case 2 -> {
        write(r, "SAVEPOINT outer_sp");
        op(r);
        write(r, "SAVEPOINT inner_sp");
        ops(r, size - 1);
        if (rnd.nextBoolean()) {
          write(r, "ROLLBACK TO inner_sp");
          op(r);
        }
        write(r, "RELEASE inner_sp");
        if (rollback) {
          write(r, "ROLLBACK TO outer_sp");
        }
        write(r, "RELEASE outer_sp");
      }
      default -> {
        trace.accept("r" + r + ": (JDBC transaction with a savepoint)");
        c.setAutoCommit(false);
        op(r);
        Savepoint sp = c.setSavepoint();
        ops(r, size - 1);
        if (rnd.nextBoolean()) {
          trace.accept("r" + r + ": (JDBC rollback to savepoint)");
          c.rollback(sp);
        }
        end(r, rollback);
        c.setAutoCommit(true);
      }
    }
    stats.add(rollback ? "transactions rolled back" : "transactions committed");
  }

  /** Whether replica {@code r} has migrated to v2. */
  boolean migrated(int r) {
    return migrated[r];
  }

  /**
   * Replica {@code r}'s migration to v2: {@link Schema#V2}, sometimes with a data step and a seed
   * row ({@code INSERT OR IGNORE}, as docs/schema-changes.md advises), as autocommit statements, a
   * JDBC or SQL transaction or a released savepoint; a quarter of the time after an attempt rolled
   * back (which must fill nothing).
   */
  private void migrate(int r) throws SQLException {
    List<String> sql = new ArrayList<>(List.of(Schema.V2));
    if (rnd.nextInt(3) == 0) {
      sql.add("UPDATE item SET note = 'v2:' || name WHERE qty > 5");
    }
    if (rnd.nextInt(3) == 0) {
      sql.add("INSERT OR IGNORE INTO review(id, item, stars) VALUES (1, 1, 0)");
    }
    if (rnd.nextInt(4) == 0) {
      stats.add("migrations rolled back");
      inTransaction(r, sql, rnd.nextInt(3), true);
    }
    inTransaction(r, sql, rnd.nextInt(4), false);
    migrated[r] = true;
    stats.add("migrations");
  }

  /** Runs {@code sql} in a JDBC transaction (0), SQL one (1), savepoint (2) or autocommit (3). */
  private void inTransaction(int r, List<String> sql, int style, boolean rollback)
      throws SQLException {
    Connection c = db[r];
    switch (style) {
      case 0 -> {
        trace.accept("r" + r + ": (JDBC transaction)");
        c.setAutoCommit(false);
        for (String s : sql) {
          write(r, s);
        }
        end(r, rollback);
        c.setAutoCommit(true);
      }
      case 1, 2 -> {
        write(r, style == 1 ? "BEGIN" : "SAVEPOINT migration");
        for (String s : sql) {
          write(r, s);
        }
        if (style == 1) {
          write(r, rollback ? "ROLLBACK" : "COMMIT");
        } else {
          if (rollback) {
            write(r, "ROLLBACK TO migration");
          }
          write(r, "RELEASE migration");
        }
      }
      default -> {
        for (String s : sql) {
          write(r, s);
        }
      }
    }
  }

  private void end(int r, boolean rollback) throws SQLException {
    trace.accept("r" + r + ": (JDBC " + (rollback ? "rollback" : "commit") + ")");
    if (rollback) {
      db[r].rollback();
    } else {
      db[r].commit();
    }
  }

  private void ops(int r, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      op(r);
    }
  }

  private void op(int r) throws SQLException {
    stats.add("writes");
    List<String> pool = migrated[r] ? writesV2 : writes;
    int which = rnd.nextInt(pool.size() + 1);
    if (which == pool.size()) {
      batch(r);
      return;
    }
    String template = pool.get(which);
    boolean mayFail = template.startsWith("~");
    List<Object> params = new ArrayList<>();
    Matcher m = PARAM.matcher(mayFail ? template.substring(1) : template);
    StringBuilder sql = new StringBuilder();
    while (m.find()) {
      Object value = value(r, m.group(1), params);
      if (value == NONE) {
        return; // no such row here: nothing to write
      }
      params.add(value);
      m.appendReplacement(sql, "?");
    }
    m.appendTail(sql);
    try {
      write(r, sql.toString(), params.toArray());
    } catch (SQLException e) {
      String msg = String.valueOf(e.getMessage());
      if (!mayFail
          || !msg.contains("UNIQUE constraint failed")
              && !msg.contains("FOREIGN KEY constraint failed")) {
        throw e;
      }
      stats.add("writes refused locally");
      trace.accept("  (refused locally: " + e.getMessage() + ")");
    }
  }

  /** A value for a {@code {name}} in a template of {@link Writes}, or NONE. */
  private Object value(int r, String name, List<Object> earlier) throws SQLException {
    return switch (name) {
      case "item" -> 1L + rnd.nextInt(ITEMS);
      case "otherItem" -> 1L + ((Long) earlier.get(0) + rnd.nextInt(ITEMS - 1)) % ITEMS;
      case "absentItem" -> absentItem(r);
      case "presentItem" -> pick(keys(r, "SELECT id FROM item"));
      case "name" -> "n" + rnd.nextInt(40);
      case "qty" -> rnd.nextInt(10) == 0 ? null : (long) rnd.nextInt(-5, 50);
      case "small" -> (long) rnd.nextInt(1, 30);
      case "mod" -> 2L + rnd.nextInt(2);
      case "bit" -> (long) rnd.nextInt(2);
      case "tagItem" -> 1L + rnd.nextInt(TAGGED);
      case "label" -> LABELS[rnd.nextInt(LABELS.length)];
      case "weight" -> rnd.nextInt(10) == 0 ? null : rnd.nextInt(40) * 0.25;
      case "parent" -> pick(keys(r, "SELECT id FROM parent"));
      case "sharedParent" -> 1L + rnd.nextInt(2);
      case "ownParent" -> 100L * (r + 1) + 1 + rnd.nextInt(3);
      case "ownExistingParent" ->
          pick(keys(r, "SELECT id FROM parent WHERE id / 100 = " + (r + 1)));
      case "child" -> pick(keys(r, "SELECT id FROM child"));
      case "sharedChild" -> 1L + rnd.nextInt(SHARED_CHILDREN);
      case "ownChild" -> 1000L * (r + 1) + 1 + rnd.nextInt(4);
      case "otherParent", "laterParent" -> pick(keys(r, "SELECT id FROM parent WHERE id >= 100"));
      case "visit" -> 1L + rnd.nextInt(8);
      case "person" -> 1L + rnd.nextInt(6);
      case "email" -> rnd.nextInt(8) == 0 ? null : "e" + rnd.nextInt(4);
      case "memo" -> 1L + rnd.nextInt(4);
      case "review" -> 1L + rnd.nextInt(6);
      case "generatedMemo" -> pick(keys(r, "SELECT id FROM memo WHERE id >= 1024"));
      case "owner" -> "r" + r + "." + owners++; // each insert a record of its own
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** A key this replica does not hold, preferably one it held before (a re-insert). */
  private Object absentItem(int r) throws SQLException {
    List<Long> present = keys(r, "SELECT id FROM item");
    seen.get(r).addAll(present);
    List<Long> absent = new ArrayList<>();
    List<Long> again = new ArrayList<>();
    for (long id = 1; id <= ITEMS; id++) {
      if (!present.contains(id)) {
        (seen.get(r).contains(id) ? again : absent).add(id);
      }
    }
    return pick(!again.isEmpty() && (absent.isEmpty() || rnd.nextBoolean()) ? again : absent);
  }

  /** The first column of a query's rows on replica {@code r}, as numbers. */
  private List<Long> keys(int r, String sql) throws SQLException {
    List<Long> keys = new ArrayList<>();
    try (Statement st = db[r].createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        keys.add(rs.getLong(1));
      }
    }
    return keys;
  }

  /** A random element, or NONE for an empty list. */
  private Object pick(List<Long> from) {
    return from.isEmpty() ? NONE : from.get(rnd.nextInt(from.size()));
  }

  private void batch(int r) throws SQLException {
    String sql =
        "INSERT INTO item(id, name, qty) VALUES (?, ?, ?)"
            + " ON CONFLICT(id) DO UPDATE SET name = excluded.name";
    StringBuilder what = new StringBuilder("r" + r + ": batch " + sql + " x");
    try (PreparedStatement ps = db[r].prepareStatement(sql)) {
      for (int i = 2 + rnd.nextInt(2); i > 0; i--) {
        Object[] row = {value(r, "item", null), value(r, "name", null), value(r, "qty", null)};
        what.append(' ').append(Arrays.toString(row));
        for (int k = 0; k < row.length; k++) {
          ps.setObject(k + 1, row[k]);
        }
        ps.addBatch();
      }
      trace.accept(what.toString());
      modeledWrite = true;
      ps.executeBatch();
    }
  }

  /** Runs one statement, prepared or with its values inlined, and logs it. */
  private void write(int r, String sql, Object... params) throws SQLException {
    modeledWrite |= Schema.modeled(sql);
    String literal = inline(sql, params);
    boolean prepared = rnd.nextBoolean();
    trace.accept("r" + r + ": " + literal + (prepared && params.length > 0 ? "  [prepared]" : ""));
    Connection c = db[r];
    if (prepared) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        ps.execute();
      }
    } else {
      try (Statement st = c.createStatement()) {
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
