package io.chora.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code device_token} statements both token stores run, in SQL that SQLite and PostgreSQL
 * share: {@link TokenFile} on its file, {@link PgTokens} on a connection of the pool.
 */
final class TokenRows {
  private TokenRows() {}

  static List<TokenStore.Row> rows(Connection db) throws SQLException {
    List<TokenStore.Row> rows = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT workspace, name, digest, added_at, revoked_at FROM device_token"
                    + " ORDER BY workspace, name, id")) {
      while (rs.next()) {
        long revoked = rs.getLong(5);
        boolean active = rs.wasNull();
        rows.add(
            new TokenStore.Row(
                rs.getString(1),
                rs.getString(2),
                rs.getBytes(3),
                rs.getLong(4),
                active ? null : revoked));
      }
    }
    return rows;
  }

  /** {@link TokenStore#add}: a name's second active token hits the partial unique index. */
  static boolean add(Connection db, String workspace, String name, byte[] digest, long now)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO device_token(workspace, name, digest, added_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, workspace);
      ps.setString(2, name);
      ps.setBytes(3, digest);
      ps.setLong(4, now);
      return ps.executeUpdate() == 1;
    }
  }

  static boolean revoke(Connection db, String workspace, String name, long now)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "UPDATE device_token SET revoked_at = ?"
                + " WHERE workspace = ? AND name = ? AND revoked_at IS NULL")) {
      ps.setLong(1, now);
      ps.setString(2, workspace);
      ps.setString(3, name);
      return ps.executeUpdate() > 0;
    }
  }
}
