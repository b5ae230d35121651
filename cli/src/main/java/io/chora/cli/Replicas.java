package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;

/** Opens the databases named on a command line, refusing paths that are not SQLite files. */
final class Replicas {
  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.UTF_8);

  private Replicas() {}

  /**
   * Opens an existing database through {@code jdbc:chora:} (which sets up capture the first time).
   * A missing file is an error, never a new empty database made from a typo.
   */
  static ChoraConnection open(Path db) throws SQLException {
    if (!Files.exists(db)) {
      throw new CliException(
          ExitCode.NO_DATABASE,
          "no database at " + db,
          "check the path: chora opens existing SQLite files and never creates one here");
    }
    if (!Files.isRegularFile(db) || !Files.isReadable(db)) {
      throw new CliException(ExitCode.NO_DATABASE, db + " is not a readable file");
    }
    if (!looksLikeSqlite(db)) {
      throw new CliException(
          ExitCode.NO_DATABASE,
          db + " is not an SQLite database",
          "give the path of an SQLite file written by your app (jdbc:chora: or jdbc:sqlite:)");
    }
    Connection conn = DriverManager.getConnection("jdbc:chora:" + db.toAbsolutePath());
    return conn.unwrap(ChoraConnection.class);
  }

  private static boolean looksLikeSqlite(Path db) {
    try (InputStream in = Files.newInputStream(db)) {
      byte[] head = in.readNBytes(SQLITE_HEADER.length);
      return head.length == 0 || Arrays.equals(head, SQLITE_HEADER); // empty: SQLite's too
    } catch (IOException e) {
      throw new CliException(ExitCode.NO_DATABASE, "cannot read " + db + ": " + e.getMessage());
    }
  }
}
