package io.chora.it.conformance;

import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteUpdateListener;

/**
 * sqlite-jdbc's update, commit and rollback events, noted in the run as they arrive. Rowids are
 * shown as the order their rows were first heard in, per table: java mode's generated keys differ
 * from plain SQLite's on purpose (docs/keys.md), the rows they name do not.
 */
final class Events implements SQLiteUpdateListener, SQLiteCommitListener {
  private final Run run;
  private final Map<String, Map<Long, Integer>> rows = new HashMap<>();

  private Events(Run run) {
    this.run = run;
  }

  /** Listens to updates, commits and rollbacks of the run's connection. */
  static Events on(Run run) throws Exception {
    Events events = new Events(run);
    run.sqlite().addUpdateListener(events);
    run.sqlite().addCommitListener(events);
    return events;
  }

  void stop() throws Exception {
    run.sqlite().removeUpdateListener(this);
    run.sqlite().removeCommitListener(this);
  }

  @Override
  public synchronized void onUpdate(Type type, String database, String table, long rowId) {
    Map<Long, Integer> numbers = rows.computeIfAbsent(table, t -> new HashMap<>());
    Integer n = numbers.get(rowId);
    if (n == null || type == Type.INSERT) {
      n = numbers.size();
      numbers.put(rowId, n);
    }
    run.note("event " + type + " " + database + "." + table + " #" + n);
  }

  @Override
  public void onCommit() {
    run.note("event commit");
  }

  @Override
  public void onRollback() {
    run.note("event rollback");
  }
}
