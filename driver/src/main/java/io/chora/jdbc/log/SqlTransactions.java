package io.chora.jdbc.log;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Follows transactions that the application opens with SQL text while JDBC autocommit is on: {@code
 * BEGIN ... COMMIT}, or a {@code SAVEPOINT} outside a transaction, which SQLite treats as BEGIN
 * (and the release of that outermost savepoint as COMMIT).
 */
final class SqlTransactions {
  private boolean open;

  /** Savepoint names, innermost first, when the transaction was opened by a SAVEPOINT. */
  private final Deque<String> savepoints = new ArrayDeque<>();

  boolean isOpen() {
    return open;
  }

  void begun() {
    open = true;
  }

  /** A SAVEPOINT ran; {@code outsideTransaction} tells whether it opened the transaction. */
  void savepoint(String name, boolean outsideTransaction) {
    if (outsideTransaction) {
      open = true;
      savepoints.push(name);
    } else if (!savepoints.isEmpty()) {
      savepoints.push(name);
    }
  }

  /** True when RELEASE {@code name} commits: it names the savepoint that opened the transaction. */
  boolean releaseCommits(String name) {
    Iterator<String> fromInnermost = savepoints.iterator();
    int index = 0;
    while (fromInnermost.hasNext()) {
      if (fromInnermost.next().equalsIgnoreCase(name)) {
        return index == savepoints.size() - 1;
      }
      index++;
    }
    return false;
  }

  /** RELEASE {@code name} ran: it and every savepoint opened after it are gone. */
  void released(String name) {
    if (savepoints.isEmpty()) {
      return; // the transaction was opened by BEGIN: releasing a savepoint does not end it
    }
    while (!savepoints.isEmpty()) {
      if (savepoints.pop().equalsIgnoreCase(name)) {
        break;
      }
    }
    if (savepoints.isEmpty()) {
      open = false;
    }
  }

  /** COMMIT or ROLLBACK ran, or SQLite ended the transaction on its own (an aborting error). */
  void ended() {
    open = false;
    savepoints.clear();
  }

  /** The name in {@code SAVEPOINT name} or {@code RELEASE [SAVEPOINT] name}, unquoted. */
  static String savepointName(String sql) {
    String[] words = sql.strip().split("[\\s;]+");
    int i = words.length > 2 && words[1].equalsIgnoreCase("SAVEPOINT") ? 2 : 1;
    return words.length > i ? words[i].replaceAll("^[\"`\\[']|[\"`\\]']$", "") : "";
  }
}
