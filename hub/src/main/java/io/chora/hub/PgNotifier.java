package io.chora.hub;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears what other hub instances store: each storing transaction sends {@code NOTIFY} on {@value
 * #CHANNEL} with the workspace's name (ids and envelopes stay in the table: a payload holds at most
 * 8,000 bytes), and this instance then reads what it has not relayed. Notifications are lost while
 * the listening connection is down, so after every reconnect, and every few seconds besides, each
 * workspace reads anyway; a read that finds nothing new costs one indexed query.
 */
final class PgNotifier implements AutoCloseable {
  static final String CHANNEL = "chora_hub";

  /**
   * Held shared by every running instance on its listening connection, for as long as it runs; an
   * admin's purge ({@link LogPurge}) takes it alone, so it runs only with every instance stopped
   * (their clocks are kept in memory and would not see what it removed). "choraliv" in ASCII.
   */
  static final long RUNNING_LOCK = 0x63686f72616c6976L;

  private static final Logger LOG = LoggerFactory.getLogger(PgNotifier.class);
  private static final int WAIT_MILLIS = 250;
  private static final long SWEEP_MILLIS = 2_000;

  private final StoreUrl store;
  private final Map<String, Runnable> pulls = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile String problem = "not listening yet";
  private final CountDownLatch listening = new CountDownLatch(1);

  private PgNotifier(StoreUrl store) {
    this.store = store;
    this.thread = new Thread(this::run, "chora-hub-notify");
    thread.setDaemon(true);
  }

  static PgNotifier start(StoreUrl store) {
    PgNotifier notifier = new PgNotifier(store);
    notifier.thread.start();
    return notifier;
  }

  /** Runs {@code pull} when another instance may have stored in {@code workspace}. */
  void register(String workspace, Runnable pull) {
    pulls.put(workspace, pull);
  }

  void unregister(String workspace) {
    pulls.remove(workspace);
  }

  /** Whether the first connection listens (and holds {@link #RUNNING_LOCK}) within {@code wait}. */
  boolean awaitListening(Duration wait) throws InterruptedException {
    return listening.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Null while listening, else why not (other instances' envelopes then arrive late). */
  String problem() {
    return problem;
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try (Connection db = connect()) {
        try (Statement st = db.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
          st.execute("SELECT pg_advisory_lock_shared(" + RUNNING_LOCK + ")");
        }
        problem = null;
        listening.countDown();
        backoff = 100;
        pullAll(); // what was stored while not listening
        listen(db.unwrap(PGConnection.class));
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        problem = "not listening for other hubs' envelopes: " + e.getMessage();
        LOG.warn("store notifications: {}; reconnecting", e.getMessage());
      }
      sleep(backoff);
      backoff = Math.min(5_000, backoff * 2);
    }
  }

  private void listen(PGConnection db) throws SQLException {
    long lastSweep = System.currentTimeMillis();
    while (!closed) {
      PGNotification[] heard = db.getNotifications(WAIT_MILLIS);
      if (heard != null) {
        for (PGNotification notification : heard) {
          Runnable pull = pulls.get(notification.getParameter());
          if (pull != null) {
            pull.run();
          }
        }
      }
      if (System.currentTimeMillis() - lastSweep > SWEEP_MILLIS) {
        lastSweep = System.currentTimeMillis();
        pullAll();
      }
    }
  }

  private void pullAll() {
    pulls.values().forEach(Runnable::run);
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (store.password() != null) {
      props.setProperty("password", store.password());
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(store.url(), props);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
