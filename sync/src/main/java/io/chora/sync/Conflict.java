package io.chora.sync;

import java.util.List;
import java.util.Map;

/**
 * What a merge had to give up, kept so that it can be restored (as a new write) or dismissed.
 *
 * <p>A {@link Kind#CELL} conflict is two concurrent writes of the same cell: the value that won by
 * last-writer-wins and the value that lost, each with the transaction that wrote it. A {@link
 * Kind#UNIQUE} or {@link Kind#FOREIGN_KEY} conflict is a whole row the merge had to remove to keep
 * a constraint: {@code column} names the constraint's columns, {@code lost} the row's value(s) in
 * them, {@code lostRow} the whole row as it was and {@code lostDot} the transaction that gave it
 * that value; {@code kept} and {@code keptDot} are the value that stayed and the write that holds
 * it (for a foreign key: the deletion of the parent, or null when unknown).
 */
public record Conflict(
    long id,
    Kind kind,
    String table,
    List<Object> key,
    String column,
    Object kept,
    Dot keptDot,
    long keptHlc,
    Object lost,
    Dot lostDot,
    long lostHlc,
    Map<String, Object> lostRow,
    Status status) {

  /** What was given up: one cell's value, or a row that broke a UNIQUE or FOREIGN KEY rule. */
  public enum Kind {
    CELL,
    UNIQUE,
    FOREIGN_KEY,
    /**
     * A row that another replica created concurrently under the same rowid key as the row kept: two
     * records, never blended. {@code lostDot} is the transaction that created the lost row, {@code
     * keptDot} the one that created the row the key holds now (null when it holds none), {@code
     * lostRow} the lost row with the updates its own replica made to it.
     */
    SAME_KEY
  }

  /**
   * Where a conflict stands: open until restored or dismissed, or superseded when a later write of
   * the cell was made by a writer who had seen the lost value (or the row's life ended), so that
   * nothing is lost to a merge any more.
   */
  public enum Status {
    OPEN,
    RESTORED,
    DISMISSED,
    SUPERSEDED,
    /**
     * Two concurrent writes of the same value: nothing is lost, so it is not listed; it opens when
     * a third write with another value wins.
     */
    EQUAL
  }

  @Override
  public String toString() {
    return "#"
        + id
        + " "
        + (kind == Kind.CELL ? "" : kind.name().toLowerCase(java.util.Locale.ROOT) + " ")
        + table
        + key
        + (kind == Kind.CELL ? "." + column : " " + column)
        + ": kept "
        + SqlValues.format(kept)
        + " ("
        + keptDot
        + "), lost "
        + SqlValues.format(lost)
        + " ("
        + lostDot
        + ") "
        + status.name().toLowerCase(java.util.Locale.ROOT);
  }
}
