package io.chora.sync;

import java.util.List;

/**
 * Two concurrent writes of the same cell: the value that won by last-writer-wins and the value that
 * lost, each with the transaction that wrote it. The loser is kept here so that it can be restored
 * (as a new write) or dismissed.
 */
public record Conflict(
    long id,
    String table,
    List<Object> key,
    String column,
    Object kept,
    Dot keptDot,
    long keptHlc,
    Object lost,
    Dot lostDot,
    long lostHlc,
    Status status) {

  /** Where a conflict stands: open until restored or dismissed. */
  public enum Status {
    OPEN,
    RESTORED,
    DISMISSED
  }

  @Override
  public String toString() {
    return "#"
        + id
        + " "
        + table
        + key
        + "."
        + column
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
