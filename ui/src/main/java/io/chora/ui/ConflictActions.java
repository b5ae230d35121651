package io.chora.ui;

import static io.chora.ui.Json.object;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Conflict;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

/** Restore and dismiss, refusing unknown ids (404) and conflicts already resolved (409). */
final class ConflictActions {
  private ConflictActions() {}

  /** Writes the lost value (or row) back as a new local write; SQLite may refuse it (409). */
  static Map<String, Object> restore(ChoraConnection chora, long id) throws SQLException {
    Conflict conflict = requireOpen(chora, id);
    try {
      chora.restoreConflict(id);
    } catch (SQLException e) {
      if (SqlErrors.isBusy(e)) {
        throw e;
      }
      // the row is gone, a UNIQUE value is taken, the parent is missing, or someone else resolved
      // it first: all states of the data the user can change, not faults of the request
      throw new ApiError(409, "restore_refused", e.getMessage());
    }
    return resolved(conflict, Conflict.Status.RESTORED);
  }

  /** Keeps the winner and closes the conflict. */
  static Map<String, Object> dismiss(ChoraConnection chora, long id) throws SQLException {
    Conflict conflict = requireOpen(chora, id);
    chora.dismissConflict(id);
    return resolved(conflict, Conflict.Status.DISMISSED);
  }

  private static Map<String, Object> resolved(Conflict conflict, Conflict.Status status) {
    return object(
        "id", conflict.id(),
        "status", ConflictJson.lowerCase(status),
        "conflict", ConflictJson.conflict(conflict));
  }

  private static Conflict requireOpen(ChoraConnection chora, long id) throws SQLException {
    for (Conflict c : chora.conflicts()) {
      if (c.id() == id) {
        return c;
      }
    }
    String status = ledgerStatus(chora, id);
    if (status == null) {
      throw ApiError.notFound("no conflict with id " + id);
    }
    throw new ApiError(
        409,
        "already_resolved",
        "conflict " + id + " is already " + status.toLowerCase(Locale.ROOT));
  }

  /**
   * The status of a conflict that is not open, read from the ledger table itself: the driver lists
   * open conflicts only, and telling "never existed" (404) from "already resolved" (409) needs the
   * others. Null when there is no such conflict.
   */
  private static String ledgerStatus(ChoraConnection chora, long id) throws SQLException {
    try (PreparedStatement ps =
        chora.prepareStatement("SELECT status FROM chora_conflicts WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
