package io.chora.jdbc.seam;

import java.sql.SQLException;

/**
 * What an application's prepared statement is prepared as: the text to prepare and, when the engine
 * gives an INSERT's key from Java ({@code keyParameter} > 0), the extra parameter it binds before
 * each execution or batch row, and where the keys come from.
 */
public record PreparedText(String sql, int keyParameter, KeySource keys) {
  /** Hands out one key per call. */
  public interface KeySource {
    long nextKey() throws SQLException;
  }

  /** The text as the application wrote it, nothing bound. */
  public static PreparedText unchanged(String sql) {
    return new PreparedText(sql, 0, null);
  }
}
