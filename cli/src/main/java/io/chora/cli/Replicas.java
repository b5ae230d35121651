package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** Opens the databases named on a command line, refusing paths that are not SQLite files. */
final class Replicas {
  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.UTF_8);

  private Replicas() {}

  /**
   * Opens an existing database read-write through {@code jdbc:chora:}, which sets up capture the
   * first time (a plain SQLite file becomes a replica with a random site id) and adopts rows other
   * programs wrote. For the commands that write. A missing file is an error, never a new empty
   * database made from a typo.
   */
  static ChoraConnection open(Path db) throws SQLException {
    return open(db, new java.util.Properties());
  }

  /** {@link #open(Path)} with chora options (e.g. {@code chora.hub}) as connection properties. */
  static ChoraConnection open(Path db, java.util.Properties options) throws SQLException {
    check(db);
    Connection conn = DriverManager.getConnection("jdbc:chora:" + db.toAbsolutePath(), options);
    return conn.unwrap(ChoraConnection.class);
  }

  /**
   * Opens an existing replica read-only ({@code open_mode=1}, SQLite's SQLITE_OPEN_READONLY): the
   * file is never written, not even to set chora up. For the commands that only look; a file that
   * is not a replica yet is refused with {@link ExitCode#NOT_A_REPLICA} and how to make it one.
   */
  static ChoraConnection read(Path db) throws SQLException {
    return read(db, new java.util.Properties());
  }

  /** {@link #read(Path)} with chora options (e.g. {@code chora.sign}) as connection properties. */
  static ChoraConnection read(Path db, java.util.Properties options) throws SQLException {
    check(db);
    String file = db.toAbsolutePath().toString();
    switch (kind(file)) {
      case PLAIN -> throw notAReplica(db);
      case NATIVE ->
          throw new CliException(
              ExitCode.FAILED,
              db + " is a cr-sqlite (native mode) replica",
              "chora's commands read java-mode replicas; open it with chora.mode=crsqlite");
      case JAVA -> {}
    }
    // the driver would warn that capture is off when it cannot start without a write: this
    // command says so itself, below
    java.util.logging.Logger driverLog = java.util.logging.Logger.getLogger("io.chora.jdbc");
    java.util.logging.Level level = driverLog.getLevel();
    driverLog.setLevel(java.util.logging.Level.SEVERE);
    ChoraConnection replica;
    try {
      replica =
          DriverManager.getConnection("jdbc:chora:" + file + "?open_mode=1", options)
              .unwrap(ChoraConnection.class);
    } finally {
      driverLog.setLevel(level);
    }
    if (replica.siteId() == null) { // capture could not start without writing
      replica.close();
      throw new CliException(
          ExitCode.NOT_A_REPLICA,
          db
              + " has writes chora has not taken in yet (another program wrote to it or changed"
              + " its schema since chora last opened it), and looking never writes",
          "let a writing command take them in ("
              + Chora.command("import")
              + ", "
              + Chora.command("sync")
              + ") or open it through"
              + " your app's jdbc:chora: URL, then look again");
    }
    return replica;
  }

  /** What a file holds, read with plain sqlite-jdbc, read-only. */
  enum Kind {
    PLAIN,
    JAVA,
    NATIVE
  }

  // the names are chora's: a java-mode replica has chora_log, a native-mode one a chora_meta view
  static Kind kind(String file) throws SQLException {
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file + "?open_mode=1");
        Statement st = plain.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name ="
                    + " 'chora_log'), (SELECT count(*) FROM sqlite_schema WHERE type = 'view'"
                    + " AND name = 'chora_meta')")) {
      rs.next();
      return rs.getInt(1) > 0 ? Kind.JAVA : rs.getInt(2) > 0 ? Kind.NATIVE : Kind.PLAIN;
    }
  }

  private static CliException notAReplica(Path db) {
    return new CliException(
        ExitCode.NOT_A_REPLICA,
        db + " is not a chora replica yet: a command that only looks does not make it one",
        "make it one by opening it once through jdbc:chora:"
            + db.toAbsolutePath()
            + "?chora.site=NAME (as your app will), or by a command that writes ("
            + Chora.command("import")
            + ", "
            + Chora.command("sync")
            + "), which gives it a random site id");
  }

  static void check(Path db) {
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
