package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * Replaces SQLite's {@code changes()} and {@code total_changes()} on chora connections: chora's
 * commit marker is a statement of its own, so after it SQLite would report the marker's count
 * instead of the user's last INSERT, UPDATE or DELETE, and the total would count the rows capture
 * logs. This reports the user's count, as plain sqlite-jdbc would ({@link
 * CaptureSession#userChanges}, {@link CaptureSession#userTotal}).
 */
final class UserChangesFunction extends Function {
  private final SqlAction<Long> count;

  UserChangesFunction(SqlAction<Long> count) {
    this.count = count;
  }

  @Override
  protected void xFunc() throws SQLException {
    result(count.run());
  }
}
