package io.chora.ui;

import io.chora.jdbc.ChoraConnection;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The conflict page of one replica: every conflict its merges resolved, with one click to restore
 * the lost value or keep the winner, and the replica's clock, peers and recent syncs.
 *
 * <p>Either run it on its own server ({@link #start}, what {@code chora ui app.db} does) or add it
 * to an application's Javalin ({@link #mount}). Either way each request opens its own connection
 * and closes it before answering, so the page can stay open on a database the application keeps
 * writing to. On its own server the page reads the file read-only, so looking never writes it.
 */
public final class ConflictUi implements AutoCloseable {
  private static final String CHORA_URL_PREFIX = "jdbc:chora:";

  private final Javalin app;
  private final String url;

  private ConflictUi(Javalin app, String url) {
    this.app = app;
    this.url = url;
  }

  /**
   * Serves the page for the replica at {@code jdbcUrl} (a {@code jdbc:chora:} URL) on its own
   * server, bound to {@code options.host()}. A host other than loopback needs a token.
   *
   * @throws IllegalArgumentException for options that would expose the page without a token
   * @throws SQLException when the database cannot be opened
   */
  public static ConflictUi start(String jdbcUrl, UiOptions options) throws SQLException {
    if (jdbcUrl == null
        || !jdbcUrl.regionMatches(true, 0, CHORA_URL_PREFIX, 0, CHORA_URL_PREFIX.length())) {
      throw new IllegalArgumentException("not a jdbc:chora: URL: " + jdbcUrl);
    }
    if (options.token() == null && !isLoopback(options.host())) {
      throw new IllegalArgumentException(
          "refusing to serve the conflict page on "
              + options.host()
              + " without a token: anyone who can reach it could read and change the data."
              + " Set UiOptions.withToken(UiOptions.randomToken()) or bind to 127.0.0.1");
    }
    // the page's reads open the file read-only, so showing it never writes; restore and dismiss
    // open it read-write
    String readOnlyUrl = jdbcUrl + (jdbcUrl.indexOf('?') < 0 ? "?" : "&") + "open_mode=1";
    ReplicaConnections reads = () -> DriverManager.getConnection(readOnlyUrl);
    ReplicaConnections writes = () -> DriverManager.getConnection(jdbcUrl);
    try (Connection first = reads.open()) { // fail now, not on first visit
      if (first.unwrap(ChoraConnection.class).siteId() == null) {
        throw new SQLException(
            "chora: "
                + jdbcUrl
                + " is not a chora replica yet (or has writes chora has not taken in): open it"
                + " read-write through jdbc:chora: once, then start the page");
      }
    }
    // without a token the page is safe only if nothing but this machine can name it
    AccessGuard guard = new AccessGuard(options.token(), options.token() == null, "/");
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.jetty.host = options.host();
              config.jetty.port = options.port();
              UiRoutes.register(
                  config, "", reads, writes, guard, options.pollInterval().toMillis());
            });
    app.start();
    return new ConflictUi(app, address(options, app.port()));
  }

  /**
   * Adds the page and its API under {@code pathPrefix} (e.g. {@code "/conflicts"}) to an
   * application's Javalin: {@code Javalin.create(config -> ConflictUi.mount(config, "/conflicts",
   * dataSource))}. The application's own authentication applies as to any route; the page still
   * checks CSRF on its changes.
   */
  public static void mount(JavalinConfig config, String pathPrefix, DataSource dataSource) {
    mount(config, pathPrefix, dataSource::getConnection, UiOptions.defaults());
  }

  /** {@link #mount(JavalinConfig, String, DataSource)} with any way to open a connection. */
  public static void mount(
      JavalinConfig config, String pathPrefix, ReplicaConnections connections) {
    mount(config, pathPrefix, connections, UiOptions.defaults());
  }

  /**
   * {@link #mount(JavalinConfig, String, ReplicaConnections)} with a token and poll interval from
   * {@code options} (its host and port are the application's business and are ignored).
   */
  public static void mount(
      JavalinConfig config, String pathPrefix, ReplicaConnections connections, UiOptions options) {
    String prefix = normalizePrefix(pathPrefix);
    AccessGuard guard = new AccessGuard(options.token(), false, prefix + "/");
    UiRoutes.register(
        config, prefix, connections, connections, guard, options.pollInterval().toMillis());
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** The page's address, with {@code ?token=} when a token is set: what to open in a browser. */
  public String url() {
    return url;
  }

  @Override
  public void close() {
    app.stop();
  }

  private static String address(UiOptions options, int port) {
    String host = options.host();
    try {
      if (InetAddress.getByName(host).isAnyLocalAddress()) {
        host = "localhost"; // bound everywhere: this machine at least can open it so
      }
    } catch (UnknownHostException e) {
      // Jetty bound it, so it resolves; keep the name as given
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://"
        + host
        + ":"
        + port
        + "/"
        + (options.token() == null
            ? ""
            : "?token=" + URLEncoder.encode(options.token(), StandardCharsets.UTF_8));
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host to bind: " + host, e);
    }
  }

  private static String normalizePrefix(String pathPrefix) {
    String prefix = pathPrefix == null ? "" : pathPrefix.strip();
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!prefix.isEmpty() && !prefix.matches("(/[A-Za-z0-9._~-]+)+")) {
      throw new IllegalArgumentException(
          "the path prefix must look like /conflicts or /admin/conflicts, got '"
              + pathPrefix
              + "'");
    }
    return prefix;
  }
}
