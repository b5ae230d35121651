package io.chora.jdbc;

import io.chora.jdbc.shared.ChoraOptions;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A {@link DataSource} for pools and containers: a {@code jdbc:chora:} URL plus properties. */
public final class ChoraDataSource implements DataSource {
  private volatile String url;
  private final Properties properties = new Properties();
  private volatile int loginTimeout;
  private volatile PrintWriter logWriter;

  public ChoraDataSource() {}

  public ChoraDataSource(String url) {
    setUrl(url);
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    if (!ChoraOptions.accepts(url)) {
      throw new IllegalArgumentException("not a jdbc:chora: URL: " + url);
    }
    this.url = url;
  }

  /** Sets a connection property: a {@code chora.*} option or any sqlite-jdbc property. */
  public void setProperty(String key, String value) {
    properties.setProperty(key, value);
  }

  public Properties getProperties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (url == null) {
      throw new SQLException("ChoraDataSource has no URL; call setUrl(\"jdbc:chora:...\")");
    }
    return ChoraDriver.open(url, getProperties());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection(); // SQLite has no users
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("chora logs through System.Logger, not JUL");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("ChoraDataSource does not wrap " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
