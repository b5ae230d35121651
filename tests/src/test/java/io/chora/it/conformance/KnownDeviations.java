package io.chora.it.conformance;

import java.util.List;
import java.util.Map;

/**
 * Where chora observably differs from sqlite-jdbc on purpose or for now, by scenario id: each with
 * its reason and the exact diff ({@link Diff#of}: "- " lines only sqlite-jdbc observed, "+ " only
 * chora). A scenario listed here must show exactly this diff: if the deviation goes away or
 * changes, the suite fails until this list is brought up to date. Also in docs/known-limits.md.
 */
final class KnownDeviations {
  private KnownDeviations() {}

  record Deviation(String reason, List<String> diff) {}

  private static final Deviation BATCH_COMMITS =
      new Deviation(
          "java mode runs an autocommit batch as one transaction: one commit, sqlite-jdbc one per entry (known-limits.md#listeners-and-counts)",
          List.of(
              "+ commits: one per statement and transaction, one per batch",
              "- commits: one per statement and transaction, one per batch entry"));

  static final Map<String, Deviation> ALL =
      Map.ofEntries(
          Map.entry(
              "listener/autocommit statement batch",
              new Deviation(
                  "java mode runs an autocommit batch as one transaction (one dot, one fsync): one commit event, sqlite-jdbc one per entry (known-limits.md#listeners-and-counts)",
                  List.of("- event commit"))),
          Map.entry(
              "listener/autocommit prepared batch",
              new Deviation(
                  "java mode runs an autocommit batch as one transaction: one commit event, sqlite-jdbc one per entry (known-limits.md#listeners-and-counts)",
                  List.of("- event commit"))),
          Map.entry("threads/16 threads, writes, reads and batches", BATCH_COMMITS),
          Map.entry("threads/24 threads, writes, reads, batches and transactions", BATCH_COMMITS),
          Map.entry(
              "listener/delete of every row",
              new Deviation(
                  "SQLite empties a table without triggers at once; a synced table has capture triggers, so its rows are deleted and heard one by one (known-limits.md)",
                  List.of("+ event DELETE main.t #0", "+ event DELETE main.t #1"))),
          Map.entry(
              "listener/returning",
              new Deviation(
                  "an autocommit INSERT ... RETURNING read through executeQuery commits when its statement is closed or the next statement runs, not when its result set is closed (known-limits.md)",
                  List.of("+ query SELECT count(*) FROM t", "- query SELECT count(*) FROM t"))),
          Map.entry(
              "error/unique",
              new Deviation(
                  "total_changes() after a failed INSERT that takes a generated key counts one row more per failure (the key claim chora makes for it)",
                  List.of(
                      "+ end: total_changes() 7, changes() 0",
                      "- end: total_changes() 3, changes() 0"))),
          Map.entry(
              "error/raise fail halfway",
              new Deviation(
                  "total_changes() after a statement failing with FAIL semantics leaves out rows it updated to the values they held (capture logged nothing for them)",
                  List.of(
                      "+ end: total_changes() 5, changes() 2",
                      "- end: total_changes() 11, changes() 2"))),
          Map.entry(
              "error/foreign key refused",
              new Deviation(
                  "total_changes() after a write refused by a foreign key counts the capture rows SQLite counted before undoing the statement",
                  List.of(
                      "+ end: total_changes() 5, changes() 0",
                      "- end: total_changes() 4, changes() 0"))));
}
