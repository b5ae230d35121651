package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.SqliteConnection;
import java.sql.SQLException;

/**
 * Runs native mode's own reads and writes atomically: in a transaction of its own ({@code BEGIN}
 * for a consistent read, {@code BEGIN IMMEDIATE} to write), or in a savepoint when the application
 * has a transaction open, which SQLite tells by refusing the BEGIN.
 */
final class SqlTransaction {
  private SqlTransaction() {}

  static <T> T run(SqliteConnection conn, String begin, SqlAction<T> work) throws SQLException {
    // one step against other threads sharing the connection: their autocommit writes must not
    // land inside this transaction, which may roll back
    return conn.atomically(() -> inTransaction(conn, begin, work));
  }

  private static <T> T inTransaction(SqliteConnection conn, String begin, SqlAction<T> work)
      throws SQLException {
    boolean own = false;
    if (conn.getAutoCommit()) {
      try {
        Sql.exec(conn, begin);
        own = true;
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).contains("within a transaction")) {
          throw e;
        }
      }
    }
    if (!own) {
      Sql.exec(conn, "SAVEPOINT chora_native");
    }
    T result;
    try {
      result = work.run();
      Sql.exec(conn, own ? "COMMIT" : "RELEASE chora_native");
    } catch (SQLException | RuntimeException e) {
      undo(conn, own, e);
      throw e;
    }
    return result;
  }

  private static void undo(SqliteConnection conn, boolean own, Exception cause) {
    try {
      if (own) {
        Sql.exec(conn, "ROLLBACK");
      } else {
        Sql.exec(conn, "ROLLBACK TO chora_native");
        Sql.exec(conn, "RELEASE chora_native");
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
