package io.chora.jdbc;

import io.chora.jdbc.crsqlite.NativeMode;
import io.chora.jdbc.log.LogConnection;
import io.chora.jdbc.shared.ChoraOptions;
import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.jdbc.shared.SiteIds;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The {@code jdbc:chora:} driver. Everything after the prefix is what sqlite-jdbc accepts after
 * {@code jdbc:sqlite:}; {@code chora.*} options (URL query or properties) configure capture.
 */
public final class ChoraDriver implements Driver {
  static {
    try {
      DriverManager.registerDriver(new ChoraDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null; // JDBC: another driver's URL
    }
    return open(url, info);
  }

  /**
   * What a site id one chooses ({@code chora.site}, a clone's or a repaired fork's new name) may
   * be, in words for a tool's message: {@value}.
   */
  public static final String SITE_ID_RULE = SiteIds.RULE;

  /**
   * Whether {@code site} may be chosen as a site id ({@link #SITE_ID_RULE}), so that a tool can say
   * which of its arguments is wrong before it opens anything.
   */
  public static boolean isValidSiteId(String site) {
    return SiteIds.isJavaSite(site);
  }

  /** Opens a chora connection; unlike {@link #connect}, a foreign URL is an error. */
  public static ChoraConnection open(String url, Properties info) throws SQLException {
    ChoraOptions options = ChoraOptions.parse(url, info);
    if (!options.crsqlite) {
      LogConnection connection = new LogConnection(options);
      connection.signWith(options.signatures);
      return connection;
    }
    if (options.hub != null) {
      throw new SQLFeatureNotSupportedException(
          "chora.hub is not supported with chora.mode=crsqlite (the hub speaks java mode's sets)");
    }
    ChoraConnection connection =
        NativeMode.open(
            options.sqliteUrl,
            options.sqliteAddress,
            options.sqliteProperties,
            options.tables,
            options.maxValueBytes);
    ((ReplicaConnection) connection).signWith(options.signatures);
    return connection;
  }

  @Override
  public boolean acceptsURL(String url) {
    return ChoraOptions.accepts(url);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return ChoraOptions.propertyInfo(info);
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false; // SQLite itself is not fully SQL-92 compliant
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("chora logs through System.Logger, not JUL");
  }
}
