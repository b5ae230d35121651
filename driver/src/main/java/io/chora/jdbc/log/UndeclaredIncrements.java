package io.chora.jdbc.log;

import io.chora.jdbc.sql.CountingUpdates;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says once per JVM, file and column that the application increments a column {@code
 * chora.counters} does not declare ({@code SET n = n + 1}): such a write is absolute, so two
 * replicas' concurrent increments merge to one of them and no ledger entry shows it (the values may
 * even be equal). Replicas still converge; the warning names the option that makes the increments
 * add up (docs/counters.md). Costs a text search per statement ({@link CountingUpdates} skips a
 * text without {@code +} or {@code -}) and a cache lookup for those with one.
 */
final class UndeclaredIncrements {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc");

  /** {@code file NUL table.column} already warned of. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /** How many increment texts a connection remembers as looked at. */
  static final int SEEN_LIMIT = 1024;

  private UndeclaredIncrements() {}

  /** Whether a table (as a statement names it) is tracked, so that its writes sync. */
  interface Tracked {
    boolean tracks(String table) throws SQLException;
  }

  /**
   * {@code sql} is about to run on {@code file}, where {@code declared} are the counters. A cell is
   * looked at once (warned of, or found in a table that does not sync), and so is a text: {@code
   * seen} (one connection's) holds the increment texts already looked at, so a statement that runs
   * again pays two lookups of its text and builds nothing.
   */
  static void check(
      String sql, String file, Set<String> declared, Tracked tracked, Set<String> seen)
      throws SQLException {
    CountingUpdates.Counting counting = CountingUpdates.SHARED.of(sql);
    if (!counting.any() || seen.contains(sql)) {
      return;
    }
    if (seen.size() >= SEEN_LIMIT) {
      seen.clear(); // a crude bound: a text seen again is looked at once more, and warns no more
    }
    seen.add(sql);
    for (String column : counting.columns()) {
      String cell = (counting.table() + "." + column).toLowerCase(Locale.ROOT);
      if (!declared.contains(cell)
          && WARNED.add(file + '\u0000' + cell)
          && tracked.tracks(counting.table())) {
        LOG.log(System.Logger.Level.WARNING, message(cell));
      }
    }
  }

  static String message(String cell) {
    return "chora: a statement increments "
        + cell
        + ", which chora.counters does not declare: each increment is written as a new value,"
        + " so when two replicas increment it concurrently the merge keeps one of them (last"
        + " writer wins, no conflict is recorded). To add the increments up, declare it on every"
        + " replica: chora.counters="
        + cell
        + " (docs/counters.md)";
  }
}
