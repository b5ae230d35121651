package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.shared.SiteIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code cloneTo}: a new replica from a consistent snapshot of a live one. SQLite's {@code VACUUM
 * INTO} writes the snapshot (one read transaction, so concurrent writers neither block nor tear
 * it); opening the snapshot through chora under a new {@code chora.site} then gives it its own site
 * id ({@link SiteIdentity}) without the warning a stray copy of the file gets.
 */
final class Cloning {
  private Cloning() {}

  static String cloneTo(LogConnection source, Path target, String site, SqlAction<Void> adopt)
      throws SQLException {
    if (target == null) {
      throw new SQLException("cloneTo needs the path of the new replica");
    }
    SiteIds.checkOption(site);
    if (site != null && (site.equals(source.siteId()) || source.clock().get(site) > 0)) {
      throw new SQLException(
          "chora: cannot clone as '"
              + site
              + "': that site already wrote transactions this replica holds; a clone needs a new"
              + " name (or none, for a random one)");
    }
    Path file = target.toAbsolutePath();
    if (Files.exists(file)) {
      throw new SQLException("chora: cannot clone to " + file + ": the file exists");
    }
    if (!source.getAutoCommit()) {
      throw new SQLException("chora: cloneTo needs autocommit, outside a transaction");
    }
    adopt.run(); // rows other programs logged since the last commit go in as a local transaction
    try (Statement st = source.plainStatement()) {
      st.execute("VACUUM INTO '" + file.toString().replace("'", "''") + "'");
    } catch (SQLException e) {
      throw new SQLException(
          "chora: could not clone to " + file + ": " + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
    // A clone is no copy that "may still write elsewhere": name its new site up front, so that
    // opening it switches sites quietly instead of warning about the user's own clone.
    String name = site != null ? site : java.util.UUID.randomUUID().toString();
    String url = "jdbc:chora:" + file + "?chora.site=" + name;
    try (Connection clone = DriverManager.getConnection(url)) {
      return clone.unwrap(io.chora.jdbc.ChoraConnection.class).siteId();
    }
  }
}
