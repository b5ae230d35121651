package io.chora.crsqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Loads <a href="https://vlcn.io">cr-sqlite</a>, the SQLite extension that turns tables into
 * conflict-free replicated relations, into a JDBC connection. The extension ships inside this jar
 * for each supported platform (see {@code io/chora/crsqlite/native/manifest.properties}); {@link
 * #load(Connection)} picks this platform's binary, extracts it once per user and loads it.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection("jdbc:sqlite:app.db")) {
 *   CrSqlite.load(c);
 *   try (Statement s = c.createStatement()) {
 *     s.execute("CREATE TABLE IF NOT EXISTS todo (id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
 *     s.execute("SELECT crsql_as_crr('todo')");
 *     // ... read changes from and apply changes to crsql_changes ...
 *     s.execute("SELECT crsql_finalize()");
 *   }
 * }
 * }</pre>
 *
 * <h2>What the caller does</h2>
 *
 * <ul>
 *   <li><b>Load once per connection</b>, right after opening it: SQLite extensions are per
 *       connection. In a pool, do it where the pool initialises new connections. Loading again into
 *       a connection that has cr-sqlite already does nothing.
 *   <li><b>Extension loading.</b> SQLite refuses {@code load_extension()} unless the connection
 *       allows it. For a sqlite-jdbc connection (or one that {@link Connection#unwrap unwraps} to
 *       {@code org.sqlite.SQLiteConnection}, as chora's does) this class switches it on for the
 *       load and off again, unless the connection was opened with it on ({@code
 *       SQLiteConfig#enableLoadExtension(true)}, or {@code enable_load_extension=true} in the URL),
 *       in which case it stays on. Any other SQLite driver must have extension loading enabled by
 *       the caller.
 *   <li><b>Call {@code SELECT crsql_finalize()} before closing</b> a connection on which cr-sqlite
 *       is loaded: cr-sqlite releases its per-connection state there, and its documentation asks
 *       for it before close.
 *   <li><b>Entry point.</b> The binary is loaded with {@code SELECT load_extension(path,
 *       'sqlite3_crsqlite_init')}; the file exports nothing else.
 * </ul>
 *
 * <h2>Where the binary comes from</h2>
 *
 * <ol>
 *   <li>The system property {@value #PATH_PROPERTY}, or the path given to {@link #load(Connection,
 *       Path)}: that file, as it is (no hash check), e.g. for a platform this jar does not cover.
 *   <li>Otherwise this platform's bundled binary ({@code <os>/<arch>} named as sqlite-jdbc names
 *       its native folders), extracted to {@code ~/.cache/chora/crsqlite} ({@code $XDG_CACHE_HOME},
 *       {@code ~/Library/Caches} on macOS, {@code %LOCALAPPDATA%} on Windows) or, if that is
 *       unusable, {@code java.io.tmpdir/chora-<user>/crsqlite}; the system property {@value
 *       #CACHE_DIR_PROPERTY} replaces both. The directory is made private (0700), the file is named
 *       after its sha256 and verified before every use; a damaged copy is replaced. Extraction is
 *       safe from many threads and many JVMs at once.
 * </ol>
 *
 * If no binary can be found or extracted, {@link #load} throws an {@link SQLException} that lists
 * every place it tried and how to supply a binary. All methods are thread-safe.
 */
public final class CrSqlite {

  /** System property naming a cr-sqlite binary to load instead of the bundled one. */
  public static final String PATH_PROPERTY = "chora.crsqlite.path";

  /** System property naming the directory to extract the bundled binary into. */
  public static final String CACHE_DIR_PROPERTY = "chora.crsqlite.cacheDir";

  /** The extension's entry point. */
  static final String ENTRY_POINT = "sqlite3_crsqlite_init";

  private static final boolean SQLITE_JDBC = sqliteJdbcPresent();

  private CrSqlite() {}

  /**
   * Whether {@link #load(Connection)} can find a binary for this platform: the override exists, or
   * the bundled binary is (or can now be) extracted intact.
   */
  public static boolean isAvailable() {
    try {
      libraryPath();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The cr-sqlite release the bundled binaries were built from, e.g. {@code 0.16.3} (also what an
   * override binary is expected to be).
   */
  public static String version() {
    return NativeManifest.bundled().sourceVersion();
  }

  /**
   * The file {@link #load(Connection)} would load: the {@value #PATH_PROPERTY} override, or the
   * bundled binary for this platform, extracted and verified.
   *
   * @throws SQLException listing what was tried, if there is no usable binary
   */
  public static Path libraryPath() throws SQLException {
    return LibraryResolver.forThisJvm().resolve();
  }

  /**
   * Loads cr-sqlite into {@code connection} from {@link #libraryPath()}.
   *
   * @throws SQLException if no binary is usable (the message lists what was tried) or SQLite
   *     refuses to load it
   */
  public static void load(Connection connection) throws SQLException {
    load(connection, libraryPath());
  }

  /**
   * Loads cr-sqlite into {@code connection} from {@code library}, a cr-sqlite loadable extension
   * built for this platform (no hash check is made).
   *
   * @throws SQLException if the file does not exist or SQLite refuses to load it
   */
  public static void load(Connection connection, Path library) throws SQLException {
    Path file = library.toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new SQLException("cr-sqlite binary " + file + " does not exist or is not a file");
    }
    if (isLoaded(connection)) {
      return; // a second sqlite3_crsqlite_init on one connection fails
    }
    try (LoadExtensionSwitch ignored = SQLITE_JDBC ? LoadExtensionSwitch.enable(connection) : null;
        PreparedStatement statement =
            connection.prepareStatement("SELECT load_extension(?, '" + ENTRY_POINT + "')")) {
      statement.setString(1, file.toString());
      statement.executeQuery().close(); // SQLite loads the extension when the statement runs
    } catch (SQLException e) {
      throw new SQLException(
          "SQLite could not load cr-sqlite from " + file + ": " + e.getMessage() + hint(e),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }

  /** Whether cr-sqlite's functions exist on this connection already. */
  private static boolean isLoaded(Connection connection) {
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT 1 FROM pragma_function_list WHERE name = 'crsql_as_crr'");
        ResultSet rows = statement.executeQuery()) {
      return rows.next();
    } catch (SQLException e) {
      return false; // an SQLite without pragma_function_list: just load
    }
  }

  private static String hint(SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("not authorized")) {
      return ". Extension loading is off on this connection: open it with"
          + " SQLiteConfig#enableLoadExtension(true) (URL parameter enable_load_extension=true)";
    }
    if (message.contains("map segment") || message.contains("failed to map")) {
      return ". The directory may be mounted noexec: set -D" + CACHE_DIR_PROPERTY;
    }
    return "";
  }

  private static boolean sqliteJdbcPresent() {
    try {
      Class.forName("org.sqlite.SQLiteConnection", false, CrSqlite.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
