package io.chora.jdbc.seam;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.jdbc4.JDBC4DatabaseMetaData;

/**
 * sqlite-jdbc's metadata as the application's schema alone: the lists that name tables ({@code
 * getTables}, {@code getColumns}) leave out the engine's own tables, views and their automatic
 * indexes, so schema browsers, code generators, schema validation and "drop every table" tools see
 * what they would see on {@code jdbc:sqlite:}. Everything else is sqlite-jdbc's own; asked about a
 * table by its name, it still answers. {@link SqliteConnection#getSQLiteDatabaseMetaData()} keeps
 * sqlite-jdbc's unfiltered view.
 */
final class AppMetaData extends JDBC4DatabaseMetaData {
  private final SqliteConnection conn;

  AppMetaData(SqliteConnection conn) {
    super(conn);
    this.conn = conn;
  }

  @Override
  public synchronized ResultSet getTables(
      String catalog, String schema, String table, String[] types) throws SQLException {
    return HiddenRows.of(super.getTables(catalog, schema, table, types), this::isOwn);
  }

  @Override
  public ResultSet getColumns(String catalog, String schema, String table, String column)
      throws SQLException {
    return HiddenRows.of(super.getColumns(catalog, schema, table, column), this::isOwn);
  }

  /** The engine's own object, or SQLite's automatic index of one ({@code sqlite_autoindex_T_N}). */
  private boolean isOwn(String name) {
    if (name == null) {
      return false;
    }
    String prefix = "sqlite_autoindex_";
    int n = name.lastIndexOf('_');
    if (name.startsWith(prefix) && n > prefix.length()) {
      return conn.isOwnObject(name.substring(prefix.length(), n));
    }
    return conn.isOwnObject(name);
  }
}
