package io.chora.jdbc.log;

import io.chora.jdbc.sql.CountingUpdates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sqlite.Function;

/**
 * Captures increments of counting columns (issue 15, {@code chora.counters}). The file's triggers
 * log that a cell changed, not by how much, and cannot tell {@code SET n = n + 1} from {@code SET n
 * = 6}; the statement can. So around each write the connection runs, this knows which declared
 * counters the statement increments ({@link CountingUpdates}), and a TEMP trigger of this
 * connection appends each such row's amount ({@code NEW.n - OLD.n}) to {@code chora_adds}, in the
 * same transaction. Merging then adds the amounts up ({@link Counters}).
 *
 * <p>Only this connection has the trigger and the function it asks: other programs' writes (the
 * sqlite3 shell) are logged as absolute writes, as are writes of counting columns by statements
 * that do not increment them, by batches of SQL strings, and by the application's own triggers when
 * the statement that fired them does not increment that column itself.
 */
final class CounterCapture {
  static final String ADDS = "chora_adds";

  /**
   * One row per increment of a counting cell, until a fold takes it into the merge state. {@code
   * after} is the log's last id when it was made: its transaction is the first commit marker past
   * it (the file's trigger may log the row's update before or after this one).
   */
  static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS "
        + ADDS
        + "(id INTEGER PRIMARY KEY, after INTEGER NOT NULL, tbl INTEGER NOT NULL, pk, col TEXT NOT"
        + " NULL, amount INTEGER NOT NULL)"
  };

  static final String FUNCTION = "chora_counting";
  private static final String TRIGGER_PREFIX = "chora_count_";

  /** Declared counters, {@code table.column} in lower case. */
  private final Set<String> declared;

  /** Per table name (lower case): its id and the declared counters' bits. */
  private Map<String, Counted> tables = Map.of();

  /**
   * What the running statement increments: a table id (-1 for none) and its columns' bits. Set and
   * read under the connection's monitor, which the statement runs under.
   */
  private long statementTable = -1;

  private long statementBits;

  private record Counted(long id, Map<String, Integer> bits) {}

  CounterCapture(Set<String> declared) {
    this.declared = declared;
  }

  boolean any() {
    return !declared.isEmpty();
  }

  /** The declared counters, {@code table.column} in lower case. */
  Set<String> declared() {
    return declared;
  }

  /** Registers the function the TEMP triggers ask; before {@link #install}. */
  void register(Connection conn) throws SQLException {
    Function.create(
        conn,
        FUNCTION,
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(
                value_long(0) == statementTable && (statementBits & (1L << value_int(1))) != 0
                    ? 1
                    : 0);
          }
        },
        2,
        0); // not deterministic: its answer changes from statement to statement
  }

  /**
   * (Re)makes this connection's TEMP triggers for the tracked tables' declared counters: at open
   * and after table DDL, in the transaction of the DDL (a rollback takes both back).
   */
  void install(Connection conn, Map<Long, TableInfo> tracked) throws SQLException {
    if (!any()) {
      return;
    }
    dropTriggers(conn);
    try (Statement st = conn.createStatement()) {
      Map<String, Counted> now = new HashMap<>();
      for (Map.Entry<Long, TableInfo> e : tracked.entrySet()) {
        TableInfo table = e.getValue();
        Map<String, Integer> bits = new HashMap<>();
        List<String> columns = new ArrayList<>();
        for (String column : table.columns()) {
          if (bits.size() < 63
              && !table.keyColumns().contains(column)
              && declared.contains(lower(table.name()) + "." + lower(column))) {
            bits.put(lower(column), bits.size());
            columns.add(column);
          }
        }
        if (!columns.isEmpty()) {
          now.put(lower(table.name()), new Counted(e.getKey(), bits));
          st.execute(trigger(e.getKey(), table, columns));
        }
      }
      tables = Map.copyOf(now);
    }
  }

  /**
   * Drops this connection's TEMP triggers: before table DDL, which SQLite refuses (DROP COLUMN)
   * while a trigger names a column it changes; {@link #install} follows it.
   */
  void dropTriggers(Connection conn) throws SQLException {
    if (!any()) {
      return;
    }
    try (Statement st = conn.createStatement()) {
      List<String> old = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE '"
                  + TRIGGER_PREFIX
                  + "%'")) {
        while (rs.next()) {
          old.add(rs.getString(1));
        }
      }
      for (String name : old) {
        st.execute("DROP TRIGGER IF EXISTS temp." + Sql.id(name));
      }
    }
    // the columns stay known: a failed DDL that is rolled back brings the triggers back
  }

  /** Whether {@code sql} increments a declared counter of a tracked table. */
  boolean increments(String sql) {
    if (tables.isEmpty()) {
      return false;
    }
    starting(sql);
    boolean counts = statementTable != -1;
    ended();
    return counts;
  }

  /** Notes what the statement about to run increments; {@link #ended} after it. */
  void starting(String sql) {
    if (tables.isEmpty()) {
      return;
    }
    CountingUpdates.Counting counting = CountingUpdates.SHARED.of(sql);
    if (!counting.any()) {
      return;
    }
    Counted table = tables.get(lower(counting.table()));
    if (table == null) {
      return;
    }
    long bits = 0;
    for (String column : counting.columns()) {
      Integer bit = table.bits().get(lower(column));
      if (bit != null) {
        bits |= 1L << bit;
      }
    }
    statementBits = bits;
    statementTable = bits == 0 ? -1 : table.id();
  }

  /** Whether the running statement increments a counter. */
  boolean active() {
    return statementTable != -1;
  }

  void ended() {
    statementTable = -1;
  }

  private static String trigger(long id, TableInfo table, List<String> columns) {
    StringBuilder sql =
        new StringBuilder("CREATE TEMP TRIGGER ")
            .append(Sql.id(TRIGGER_PREFIX + id))
            .append(" AFTER UPDATE OF ")
            .append(String.join(", ", columns.stream().map(Sql::id).toList()))
            .append(" ON main.")
            .append(Sql.id(table.name()))
            .append(" BEGIN ");
    String sameKey =
        String.join(
            " AND ",
            table.keyColumns().stream()
                .map(k -> "NEW." + Sql.id(k) + " IS OLD." + Sql.id(k))
                .toList());
    for (int bit = 0; bit < columns.size(); bit++) {
      String c = Sql.id(columns.get(bit));
      String amount = "NEW." + c + " - OLD." + c;
      sql.append("INSERT INTO main." + ADDS + "(after, tbl, pk, col, amount) SELECT")
          .append(" (SELECT coalesce(max(id), 0) FROM main.chora_log), ")
          .append(id)
          .append(", ")
          .append(TriggerBuilder.keyOf(table, "NEW."))
          .append(", ")
          .append(Sql.text(columns.get(bit)))
          .append(", ")
          .append(amount)
          .append(" WHERE ")
          .append(FUNCTION)
          .append("(")
          .append(id)
          .append(", ")
          .append(bit)
          // an increment is from one INTEGER to another (an overflow turns REAL)
          .append(") AND typeof(OLD." + c + ") = 'integer' AND typeof(NEW." + c + ") = 'integer'")
          .append(" AND typeof(" + amount + ") = 'integer' AND NEW." + c + " <> OLD." + c)
          .append(" AND ")
          .append(sameKey)
          .append("; ");
    }
    return sql.append("END").toString();
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
