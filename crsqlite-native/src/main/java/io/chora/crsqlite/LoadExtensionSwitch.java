package io.chora.crsqlite;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Switches extension loading on for one sqlite-jdbc connection while cr-sqlite is loaded, and back
 * off afterwards unless the connection was opened with it on. Only this class refers to
 * sqlite-jdbc's types; {@link CrSqlite} uses it only when those types can be loaded.
 */
final class LoadExtensionSwitch implements AutoCloseable {

  private static final LoadExtensionSwitch NONE = new LoadExtensionSwitch(null);

  private final DB database;

  private LoadExtensionSwitch(DB database) {
    this.database = database;
  }

  /**
   * Enables {@code load_extension()} on {@code connection} if it is (or wraps) a sqlite-jdbc
   * connection whose configuration did not already enable it; otherwise changes nothing.
   */
  static LoadExtensionSwitch enable(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(SQLiteConnection.class)) {
      return NONE;
    }
    DB database = connection.unwrap(SQLiteConnection.class).getDatabase();
    if (database.getConfig().isEnabledLoadExtension()) {
      return NONE;
    }
    database.enable_load_extension(true);
    return new LoadExtensionSwitch(database);
  }

  @Override
  public void close() throws SQLException {
    if (database != null) {
      database.enable_load_extension(false);
    }
  }
}
