package io.chora.jdbc.crsqlite;

import io.chora.jdbc.ChoraConnection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

/** Opens {@code chora.mode=crsqlite} connections; the driver's way into this package. */
public final class NativeMode {
  private NativeMode() {}

  /**
   * A native-mode connection to the database sqlite-jdbc would open for {@code sqliteUrl}; {@code
   * tables} (chora.tables) limits which tables become CRRs (null: every table), {@code
   * maxValueBytes} (chora.maxValueBytes) bounds received values.
   */
  public static ChoraConnection open(
      String sqliteUrl,
      String sqliteAddress,
      Properties sqliteProperties,
      Set<String> tables,
      long maxValueBytes)
      throws SQLException {
    return new NativeConnection(sqliteUrl, sqliteAddress, sqliteProperties, tables, maxValueBytes);
  }
}
