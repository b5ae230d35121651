package io.chora.ui;

import java.sql.SQLException;

/** Telling SQLite's "try again later" apart from real failures. */
final class SqlErrors {
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;

  private SqlErrors() {}

  /**
   * True when the database was locked by another writer for longer than the busy timeout: the
   * application is writing, and the request can simply be repeated. sqlite-jdbc reports SQLite's
   * extended result code as the error code; its low byte is the primary code.
   */
  static boolean isBusy(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        int primary = sql.getErrorCode() & 0xff;
        if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
          return true;
        }
      }
    }
    return false;
  }
}
