package io.chora.jdbc.seam;

import java.sql.SQLException;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.Codes;
import org.sqlite.core.DB;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A parameterless statement that chora runs on every commit or statement, stepped directly on
 * sqlite-jdbc's native handle. It skips the JDBC layer's per-call work (result set objects, busy
 * timeout juggling, autocommit probes), which costs more than the SQL itself here.
 */
public final class SteppedStatement implements AutoCloseable {
  private final JDBC4PreparedStatement statement;

  public SteppedStatement(SQLiteConnection conn, String sql) throws SQLException {
    this.statement = new JDBC4PreparedStatement(conn, sql);
  }

  /** Runs a write; SQLite's error, if any, is thrown as sqlite-jdbc would. */
  public void run() throws SQLException {
    statement.pointer.safeRunConsume(
        (db, ptr) -> {
          try {
            check(db, db.step(ptr));
          } finally {
            db.reset(ptr);
          }
        });
  }

  /** Runs a query that returns one integer. */
  public long queryLong() throws SQLException {
    return statement.pointer.safeRunLong(
        (db, ptr) -> {
          try {
            int rc = db.step(ptr);
            check(db, rc);
            return rc == Codes.SQLITE_ROW ? db.column_long(ptr, 0) : 0;
          } finally {
            db.reset(ptr);
          }
        });
  }

  /** SQLite's own error code and message reach the caller, as from any sqlite-jdbc call. */
  private static void check(DB db, int rc) throws SQLException {
    if (rc != Codes.SQLITE_ROW && rc != Codes.SQLITE_DONE) {
      db.throwex(rc);
    }
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
