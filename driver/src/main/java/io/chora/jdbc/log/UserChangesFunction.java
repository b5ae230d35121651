package io.chora.jdbc.log;

import java.sql.SQLException;
import org.sqlite.Function;

/**
 * Replaces SQLite's {@code changes()} on chora connections: chora's commit marker is a statement of
 * its own, so after it SQLite would report the marker's count instead of the user's last INSERT,
 * UPDATE or DELETE. This reports the user's count, as plain sqlite-jdbc would.
 */
final class UserChangesFunction extends Function {
  private final CaptureSession session;

  UserChangesFunction(CaptureSession session) {
    this.session = session;
  }

  @Override
  protected void xFunc() throws SQLException {
    result(session.userChanges());
  }
}
