package io.chora.hub;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A chora hub: replicas connect to {@code ws://HOST:PORT/v1/WORKSPACE} with the workspace's token
 * and exchange committed transactions in real time (protocol: {@code docs/protocol.md}).
 *
 * <pre>{@code
 * try (HubServer hub = HubServer.start(HubConfig.of(Path.of("hub-data"), Map.of("team", token)))) {
 *   hub.url(); // ws://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * <p>Also serves {@code GET /health} and {@code GET /metrics}.
 */
public final class HubServer implements AutoCloseable {
  /** Threads that commit pushes and read the log for catch-ups, shared by all workspaces. */
  private static final int STORE_THREADS = 4;

  /** How often the device tokens are checked for changes (a revoke closes within this). */
  private static final long TOKEN_POLL_MILLIS = 200;

  /** Longest a stop waits for commits in progress and for clients to answer the 1012 close. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

  /** Jetty's own idle timeout only backs up the hub's, which pings quiet clients first. */
  private static final Duration JETTY_IDLE_MARGIN = Duration.ofSeconds(10);

  private final HubConfig config;
  private final Javalin app;
  private final ExecutorService storeWork;
  private final ScheduledExecutorService sweeper;
  private final ScheduledExecutorService tokenPoll;
  private final Workspaces workspaces;
  private final HubEndpoint endpoint;
  private final HubLock lock;
  private final DeviceTokens devices;
  private final CountDownLatch closed = new CountDownLatch(1);

  private HubServer(
      HubConfig config,
      Javalin app,
      ExecutorService storeWork,
      ScheduledExecutorService sweeper,
      ScheduledExecutorService tokenPoll,
      Workspaces workspaces,
      HubEndpoint endpoint,
      HubLock lock,
      DeviceTokens devices) {
    this.endpoint = endpoint;
    this.tokenPoll = tokenPoll;
    this.config = config;
    this.lock = lock;
    this.devices = devices;
    this.app = app;
    this.storeWork = storeWork;
    this.sweeper = sweeper;
    this.workspaces = workspaces;
  }

  /**
   * Opens the logs already in the data directory and starts listening.
   *
   * @throws IOException if the data directory or a log cannot be opened, or another hub runs on it
   * @throws BindException if the port is in use (or cannot be bound for another reason)
   */
  public static HubServer start(HubConfig config) throws IOException {
    if (config.dataDir() != null) {
      Files.createDirectories(config.dataDir());
    }
    ExecutorService storeWork =
        Executors.newFixedThreadPool(STORE_THREADS, daemonThreads("chora-hub-store"));
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("chora-hub-sweeper"));
    // a thread of its own: a PostgreSQL store that does not answer holds a poll for seconds, which
    // must not hold up the sweeps and upgrade deadlines
    ScheduledExecutorService tokenPoll =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("chora-hub-tokens"));
    LogStores stores;
    Workspaces workspaces;
    try {
      stores = openStores(config);
      workspaces = new Workspaces(stores, storeWork, config.snapshots());
    } catch (SQLException e) {
      sweeper.shutdownNow();
      tokenPoll.shutdownNow();
      storeWork.shutdownNow();
      throw config.store() == null
          ? new IOException(
              "cannot open the logs in " + config.dataDir() + ": " + e.getMessage(), e)
          : StoreUnreachable.of("open the store", config.store(), e);
    }
    DeviceTokens devices = new DeviceTokens(stores);
    HubLock lock = null;
    Javalin started = null;
    try {
      Set<String> named = new TreeSet<>(config.tokens().keySet());
      named.addAll(devices.workspaces());
      workspaces.openExisting(named);
      HubEndpoint endpoint = new HubEndpoint(config, workspaces, devices);
      long startedAt = System.currentTimeMillis();
      Javalin app =
          Javalin.create(
              javalin -> {
                configureJetty(javalin, config, new UpgradeDeadline(sweeper));
                javalin.routes.get(
                    "/health",
                    ctx -> {
                      String problem = workspaces.storeProblem();
                      boolean draining = endpoint.isDraining();
                      ctx.status(problem == null && !draining ? 200 : 503);
                      ctx.contentType("application/json").result(healthJson(problem, draining));
                    });
                javalin.routes.get(
                    "/metrics", ctx -> metrics(ctx, workspaces, endpoint, startedAt));
                endpoint.register(javalin.routes);
              });
      app.start();
      started = app;
      // after the bind: a busy port is said as such. Without a data directory (a PostgreSQL store)
      // there is none to guard: instances on one store run side by side by design
      lock = config.dataDir() == null ? null : HubLock.take(config.dataDir());
      long sweepMillis = Math.max(50, Math.min(1000, config.idleTimeout().toMillis() / 4));
      sweeper.scheduleWithFixedDelay(
          endpoint::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
      Workspaces open = workspaces;
      sweeper.scheduleWithFixedDelay(
          () -> open.all().forEach(Workspace::sweepSnapshots),
          sweepMillis,
          sweepMillis,
          TimeUnit.MILLISECONDS);
      tokenPoll.scheduleWithFixedDelay(
          endpoint::closeRevoked, TOKEN_POLL_MILLIS, TOKEN_POLL_MILLIS, TimeUnit.MILLISECONDS);
      return new HubServer(
          config, app, storeWork, sweeper, tokenPoll, workspaces, endpoint, lock, devices);
    } catch (SQLException | IOException | RuntimeException e) {
      if (started != null) {
        started.stop();
      }
      sweeper.shutdownNow();
      tokenPoll.shutdownNow();
      storeWork.shutdownNow();
      workspaces.close();
      devices.close();
      if (e instanceof SQLException) {
        throw new IOException("cannot open a workspace log: " + e.getMessage(), e);
      }
      if (e instanceof JavalinBindException) {
        throw cannotListen(config, e);
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e;
    }
  }

  /** {@code /metrics}: JSON, or the Prometheus text format ({@link HubMetrics#wantsPrometheus}). */
  private static void metrics(
      Context ctx, Workspaces workspaces, HubEndpoint endpoint, long startedAt) {
    boolean prometheus;
    try {
      prometheus = HubMetrics.wantsPrometheus(ctx.queryParam("format"), ctx.header("Accept"));
    } catch (IllegalArgumentException e) {
      ctx.status(400).contentType("text/plain").result(e.getMessage());
      return;
    }
    if (prometheus) {
      boolean storeUp = workspaces.storeProblem() == null;
      ctx.contentType(PrometheusText.CONTENT_TYPE)
          .result(
              HubMetrics.prometheus(workspaces.all(), startedAt, storeUp, endpoint.isDraining()));
    } else {
      ctx.contentType("application/json").result(HubMetrics.json(workspaces.all(), startedAt));
    }
  }

  /** Javalin's bind failure as what it means: the port is taken (or, rarely, not ours to take). */
  private static BindException cannotListen(HubConfig config, Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String why = String.valueOf(root.getMessage());
    BindException refused =
        new BindException(
            why.contains("in use")
                ? "port " + config.port() + " is in use"
                : "cannot listen on " + config.host() + ":" + config.port() + ": " + why);
    refused.initCause(e);
    return refused;
  }

  /** The SQLite files in the data directory, or the PostgreSQL database the config names. */
  private static LogStores openStores(HubConfig config) throws SQLException {
    return config.store() == null
        ? LogStores.sqlite(config.dataDir())
        : PgDatabase.open(config.store());
  }

  /**
   * Ok; draining (stopping: a load balancer sends no one here); or unavailable with why: a hub
   * whose store does not answer acknowledges nothing.
   */
  private static String healthJson(String storeProblem, boolean draining) {
    String store = storeProblem == null ? "\"ok\"" : Frames.string(storeProblem);
    String status = draining ? "draining" : storeProblem == null ? "ok" : "unavailable";
    return "{\"status\":\"" + status + "\",\"store\":" + store + "}";
  }

  private static void configureJetty(
      JavalinConfig javalin, HubConfig config, UpgradeDeadline deadline) {
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.jetty.host = config.host();
    javalin.jetty.port = config.port();
    javalin.jetty.modifyServletContextHandler(context -> context.setSessionHandler(noSessions()));
    javalin.jetty.modifyWebSocketServletFactory(
        factory -> {
          // Jetty closes with 1009 whatever exceeds these, before the hub sees it
          factory.setMaxTextMessageSize(config.maxFrameBytes());
          factory.setMaxBinaryMessageSize(config.maxFrameBytes());
          factory.setMaxFrameSize(config.maxFrameBytes());
          factory.setIdleTimeout(config.idleTimeout().plus(JETTY_IDLE_MARGIN));
        });
    // with a connector of our own, Javalin adds no plain one
    javalin.jetty.addConnector(
        (server, httpConfig) -> {
          HttpConnectionFactory http = new HttpConnectionFactory(httpConfig);
          ServerConnector connector;
          if (config.tls()) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(config.keystore().toAbsolutePath().toString());
            tls.setKeyStorePassword(config.keystorePassword());
            httpConfig.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, tls, http);
          } else {
            connector = new ServerConnector(server, http);
          }
          connector.setHost(config.host());
          connector.setPort(config.port());
          connector.addEventListener(deadline);
          return connector;
        });
  }

  /**
   * Javalin asks for an HTTP session on every WebSocket upgrade, refused ones included; Jetty's
   * default handler would keep each one in memory with no expiry and send a cookie. The hub has no
   * use for sessions: this handler forgets them when the request ends and sets no cookie.
   */
  private static SessionHandler noSessions() {
    SessionHandler sessions = new SessionHandler();
    NullSessionCache cache = new NullSessionCache(sessions);
    cache.setSessionDataStore(new NullSessionDataStore());
    sessions.setSessionCache(cache);
    sessions.setUsingCookies(false);
    return sessions;
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The port the hub listens on (the one picked when the config said 0). */
  public int port() {
    return app.port();
  }

  /** {@code ws://HOST:PORT} or {@code wss://HOST:PORT}; clients append {@code /v1/WORKSPACE}. */
  public String url() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return (config.tls() ? "wss://" : "ws://") + host + ":" + port();
  }

  public HubConfig config() {
    return config;
  }

  /**
   * Starts stopping gracefully: {@code /health} answers 503 {@code "draining"}, upgrades are
   * refused with 503, pushes already taken are committed and acknowledged, then every client is
   * closed with 1012 (service restart) and reconnects at once, to another instance if it was given
   * several. Returns once the clients are gone (or after a few seconds); {@link #close} does the
   * rest.
   */
  public void drain() {
    try {
      endpoint.drain(System.nanoTime() + DRAIN_LIMIT.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Drains ({@link #drain}), stops listening, lets commits in progress finish, and closes the logs.
   * Everything acknowledged is on disk; calling it again does nothing.
   */
  @Override
  public void close() {
    synchronized (closed) {
      if (closed.getCount() == 0) {
        return;
      }
      drain();
      app.stop();
      sweeper.shutdownNow();
      tokenPoll.shutdownNow();
      storeWork.shutdown();
      try {
        if (!storeWork.awaitTermination(10, TimeUnit.SECONDS)) {
          storeWork.shutdownNow();
        }
      } catch (InterruptedException e) {
        storeWork.shutdownNow();
        Thread.currentThread().interrupt();
      }
      workspaces.close();
      devices.close();
      try {
        if (lock != null) {
          lock.close();
        }
      } catch (IOException e) {
        // the process's end releases it anyway
      }
      closed.countDown();
    }
  }

  /** Waits until {@link #close()} has run (for a process that only runs the hub). */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }
}
