package io.chora.it.convergence;

import io.chora.jdbc.testing.SyncMode;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a workload may use beyond the tables {@code item} and {@code tag} and the writes every mode
 * takes, and which {@link SyncMode} supports what: the one place that knows that native mode
 * (cr-sqlite) refuses UNIQUE columns, foreign keys, key changes and nullable key columns, does not
 * keep generated keys apart, merges by its own rule, and refuses sets that write a column or table
 * it lacks.
 */
public enum Feature {
  /** Key columns declared without NOT NULL (cr-sqlite wants NOT NULL on every key column). */
  NULLABLE_KEYS,
  /** UPDATEs that change a primary key, single or composite (native mode refuses them). */
  KEY_CHANGES,
  /**
   * Tables {@code parent}, {@code child} (ON DELETE CASCADE) and {@code visit} (a plain reference),
   * with {@code PRAGMA foreign_keys=ON}: merges meet children of deleted parents.
   */
  FOREIGN_KEYS,
  /** Table {@code person}, whose UNIQUE email concurrent writes claim. */
  UNIQUE_COLUMNS,
  /**
   * INSERTs into {@code memo} that leave its key to SQLite. Java mode takes each key from the
   * replica's own key block, so no two replicas create one key; cr-sqlite lets SQLite pick, and
   * replicas pick alike.
   */
  GENERATED_KEYS,
  /**
   * Table {@code memo}, keyed by the rowid, into which replicas insert under the same small keys:
   * rows created concurrently under one key are two records, one kept whole and the other in the
   * ledger ({@code SAME_KEY}), never blended. Java mode's rule; cr-sqlite merges them cell by cell.
   */
  ROWID_RECORDS,
  /**
   * The merge rule the reference {@link Model} folds: causal lengths, then per cell the last writer
   * by (HLC, site id). Java mode's; cr-sqlite orders cells by its column versions instead.
   */
  HLC_MERGE_RULE,
  /**
   * Each replica migrates to {@link Schema#V2} (a column {@code note} on {@code item}, a table
   * {@code review}) at a random point of its workload or at the very end, and writes to them only
   * afterwards, while the others still on v1 keep those writes aside, relay them and fill them in
   * at their own migration. Java mode's; native mode refuses such sets whole. {@link Tries} runs it
   * in a share of the tries only.
   */
  SCHEMA_STEPS,
  /**
   * {@code item.qty} is a counting column ({@code chora.counters}): workloads also increment and
   * decrement it ({@code SET qty = qty + 2}, an upsert adding {@code excluded.qty}), which add up
   * across replicas, while every other write of it resets the count; the {@link Model} sums them by
   * the same rule. Java mode's; cr-sqlite has no counters.
   */
  COUNTERS,
  /**
   * Replicas {@code compact()} at random points (between writes and network steps, and before the
   * end checks): what compaction removes must never change what any peer receives. Java mode's;
   * native mode refuses to compact.
   */
  COMPACTION;

  /** Everything {@code mode} supports. */
  public static Set<Feature> of(SyncMode mode) {
    return switch (mode) {
      case JAVA -> EnumSet.allOf(Feature.class);
      case CRSQLITE -> EnumSet.noneOf(Feature.class);
    };
  }

  /** What all of {@code modes} support, for a workload they all run. */
  public static Set<Feature> common(SyncMode... modes) {
    Set<Feature> common = EnumSet.allOf(Feature.class);
    for (SyncMode mode : modes) {
      common.retainAll(of(mode));
    }
    return common;
  }

  /** Whether merges remove rows for a constraint, as new local transactions that must spread. */
  static boolean mergesRemoveRows(Set<Feature> features) {
    return features.contains(FOREIGN_KEYS) || features.contains(UNIQUE_COLUMNS);
  }
}
