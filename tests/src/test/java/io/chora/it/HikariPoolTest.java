package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.seq;
import static io.chora.jdbc.testing.Db.transactions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.ChoraDataSource;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HikariCP in front of chora, configured the way applications configure it. */
class HikariPoolTest {
  private static final String SQLITE_OPTIONS =
      "journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000";

  @TempDir Path dir;

  private String url(String file, String site) {
    return "jdbc:chora:" + dir.resolve(file) + "?chora.site=" + site + "&" + SQLITE_OPTIONS;
  }

  // ---- configuration ----------------------------------------------------------------------

  @Test
  void poolConfiguredByJdbcUrl() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(
        "jdbc:chora:" + dir.resolve("app.db") + "?chora.site=laptop&" + SQLITE_OPTIONS);
    config.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      assertPoolCaptures(pool, "laptop");
    }
  }

  @Test
  void poolConfiguredWithAChoraDataSourceObject() throws SQLException {
    ChoraDataSource chora = new ChoraDataSource("jdbc:chora:" + dir.resolve("app.db"));
    chora.setProperty("chora.site", "phone");
    chora.setProperty("journal_mode", "WAL");
    chora.setProperty("busy_timeout", "10000");
    HikariConfig config = new HikariConfig();
    config.setDataSource(chora);
    config.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      assertPoolCaptures(pool, "phone");
      try (Connection c = pool.getConnection()) {
        assertThat(Db.rows(c, "PRAGMA journal_mode")).containsExactly("wal");
        assertThat(Db.scalar(c, "PRAGMA busy_timeout")).isEqualTo(10000);
      }
    }
  }

  @Test
  void poolConfiguredByDataSourceClassName() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setDataSourceClassName("io.chora.jdbc.ChoraDataSource");
    config.addDataSourceProperty("url", url("app.db", "tablet"));
    config.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      assertPoolCaptures(pool, "tablet");
    }
  }

  /** unwrap reaches chora through Hikari's proxy, and every borrower's write gets one dot. */
  private static void assertPoolCaptures(HikariDataSource pool, String site) throws SQLException {
    try (Connection c = pool.getConnection()) {
      assertThat(c.getClass().getSimpleName()).isEqualTo("HikariProxyConnection");
      assertThat(c.isWrapperFor(ChoraConnection.class)).isTrue();
      ChoraConnection chora = c.unwrap(ChoraConnection.class);
      assertThat(chora).isNotSameAs(c);
      assertThat(chora.siteId()).isEqualTo(site);
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(c, "INSERT INTO note VALUES (1, 'one')");
    }
    List<Connection> held = new ArrayList<>();
    try {
      for (int i = 2; i <= 4; i++) { // several physical connections at once
        Connection c = pool.getConnection();
        held.add(c);
        exec(c, "INSERT INTO note VALUES (" + i + ", 'n" + i + "')");
      }
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    try (Connection c = pool.getConnection()) {
      assertThat(seq(c)).isEqualTo(4);
      assertThat(transactions(c))
          .containsExactly(
              List.of("insert note[1] {id=1, title='one'}"),
              List.of("insert note[2] {id=2, title='n2'}"),
              List.of("insert note[3] {id=3, title='n3'}"),
              List.of("insert note[4] {id=4, title='n4'}"));
    }
  }

  // ---- Hikari's connection checks and resets ----------------------------------------------

  /** One physical connection, validated on every borrow, with JDBC 4.3 request boundaries. */
  private HikariDataSource checkedPool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url("checks.db", "checks"));
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(5_000);
    String[] flags = {
      "com.zaxxer.hikari.aliveBypassWindowMs", "com.zaxxer.hikari.enableRequestBoundaries"
    };
    System.setProperty(flags[0], "0"); // isValid() on every borrow
    System.setProperty(flags[1], "true"); // beginRequest() / endRequest() around every borrow
    try {
      return new HikariDataSource(config); // the pool reads both flags when it starts
    } finally {
      System.clearProperty(flags[0]);
      System.clearProperty(flags[1]);
    }
  }

  @Test
  @Timeout(60)
  void hikariChecksAndResetsLeakNothingBetweenBorrowers() throws Exception {
    try (HikariDataSource pool = checkedPool()) {
      Borrowers b = new Borrowers(pool);
      try (Connection c = pool.getConnection()) {
        exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, v TEXT)");
      }
      b.nextBorrowerWritesOnce();

      // isValid, by the borrower (Hikari runs it too, at every borrow)
      try (Connection c = pool.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
        b.write(c);
        assertThat(c.isValid(1)).isTrue();
      }
      b.nextBorrowerWritesOnce();

      // read-only: sqlite-jdbc refuses the switch on an open connection (without
      // jdbc.explicit_readonly, see readOnlyPool), setting it back is accepted; nothing sticks
      try (Connection c = pool.getConnection()) {
        assertThatThrownBy(() -> c.setReadOnly(true))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("Cannot change read-only flag");
        c.setReadOnly(false);
        assertThat(c.isReadOnly()).isFalse();
        b.write(c);
      }
      b.nextBorrowerWritesOnce();

      // autocommit off, a write left uncommitted: Hikari rolls it back on return
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        exec(c, "INSERT INTO item VALUES (1000, 'left uncommitted')");
      }
      b.nextBorrowerWritesOnce();
      // ... and after a commit in the same borrow, only the committed part stays
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        b.write(c);
        c.commit();
        exec(c, "INSERT INTO item VALUES (1001, 'left uncommitted')");
      }
      b.nextBorrowerWritesOnce();

      // network timeout, set by the borrower and reset by Hikari
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try (Connection c = pool.getConnection()) {
        c.setNetworkTimeout(executor, 1_234);
        b.write(c);
      } finally {
        executor.shutdownNow();
      }
      b.nextBorrowerWritesOnce();

      // request boundaries called by the borrower as well
      try (Connection c = pool.getConnection()) {
        c.beginRequest();
        b.write(c);
        c.endRequest();
      }
      b.nextBorrowerWritesOnce();

      // eviction of the connection in use, with an uncommitted write: rolled back, then closed
      ChoraConnection evicted;
      try (Connection c = pool.getConnection()) {
        evicted = c.unwrap(ChoraConnection.class);
        c.setAutoCommit(false);
        exec(c, "INSERT INTO item VALUES (1002, 'evicted uncommitted')");
        pool.getHikariPoolMXBean().softEvictConnections();
      }
      awaitClosed(evicted);
      b.nextBorrowerWritesOnce();

      // eviction of an idle connection (what maxLifetime does when a connection retires)
      ChoraConnection idle;
      try (Connection c = pool.getConnection()) {
        idle = c.unwrap(ChoraConnection.class);
      }
      pool.getHikariPoolMXBean().softEvictConnections();
      awaitClosed(idle);
      b.nextBorrowerWritesOnce();

      try (Connection c = pool.getConnection()) {
        assertThat(Db.rows(c, "SELECT id FROM item WHERE id >= 1000")).isEmpty();
        assertThat(transactions(c)).isEqualTo(b.expected);
        assertThat(seq(c)).isEqualTo(b.expected.size());
      }
    }
  }

  /**
   * With {@code jdbc.explicit_readonly=true}, sqlite-jdbc lets the read-only flag change, and
   * upgrades a JDBC transaction to a write one, only before the transaction's first statement. A
   * new chora connection must count as having run none, though chora set itself up on it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:chora:"})
  void newConnectionHasRunNoStatementOfTheApplication(String prefix) throws SQLException {
    String url = prefix + dir.resolve("fresh.db") + "?jdbc.explicit_readonly=true";
    try (Connection c = DriverManager.getConnection(url)) {
      exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, v TEXT)");
    }
    try (Connection c = DriverManager.getConnection(url)) {
      c.setReadOnly(true);
      assertThat(c.isReadOnly()).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      exec(c, "INSERT INTO item VALUES (1, 'first transaction')");
      c.commit();
      assertThat(Db.rows(c, "SELECT v FROM item")).containsExactly("first transaction");
    }
  }

  /**
   * A read-only pool (reports, read replicas): Hikari makes every new connection read-only before
   * the application sees it, which sqlite-jdbc allows with {@code jdbc.explicit_readonly=true} and
   * enforces in JDBC transactions. A borrower may switch one transaction to read-write; Hikari
   * switches it back on return.
   */
  @Test
  @Timeout(60)
  void readOnlyPool() throws SQLException {
    try (Connection c = DriverManager.getConnection(url("reports.db", "reports"))) {
      exec(
          c,
          "CREATE TABLE item(id INTEGER PRIMARY KEY, v TEXT)",
          "INSERT INTO item VALUES (1, 'a')");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url("reports.db", "reports") + "&jdbc.explicit_readonly=true");
    config.setReadOnly(true);
    config.setAutoCommit(false);
    config.setIsolateInternalQueries(true); // Hikari's isValid() ends with a rollback
    config.setMaximumPoolSize(1);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      try (Connection c = pool.getConnection()) {
        assertThat(c.isReadOnly()).isTrue();
        assertThat(Db.rows(c, "SELECT v FROM item")).containsExactly("a");
        assertThatThrownBy(() -> exec(c, "INSERT INTO item VALUES (2, 'refused')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("readonly");
      } // not committed: Hikari rolls back
      try (Connection c = pool.getConnection()) {
        c.setReadOnly(false);
        exec(c, "INSERT INTO item VALUES (3, 'c')");
        c.commit();
      } // Hikari sets it read-only again
      try (Connection c = pool.getConnection()) {
        assertThat(c.isReadOnly()).isTrue();
        assertThatThrownBy(() -> exec(c, "UPDATE item SET v = 'refused'"))
            .hasMessageContaining("readonly");
        c.rollback();
        assertThat(Db.rows(c, "SELECT id, v FROM item")).containsExactly("1|a", "3|c");
        assertThat(seq(c)).isEqualTo(2);
      }
    }
    // changesSince folds merge state, a write: it needs a read-write connection
    try (Connection c = DriverManager.getConnection(url("reports.db", "reports"))) {
      assertThat(transactions(c))
          .containsExactly(
              List.of("insert item[1] {id=1, v='a'}"), List.of("insert item[3] {id=3, v='c'}"));
    }
  }

  /** Hikari closes evicted connections on a background thread. */
  private static void awaitClosed(Connection physical) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!physical.isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(physical.isClosed()).isTrue();
  }

  /** Borrowers that each write one new row, and what the log must hold afterwards. */
  private static final class Borrowers {
    final DataSource pool;
    final List<List<String>> expected = new ArrayList<>();
    int nextId = 1;

    Borrowers(DataSource pool) {
      this.pool = pool;
    }

    void write(Connection c) throws SQLException {
      int id = nextId++;
      exec(c, "INSERT INTO item VALUES (" + id + ", 'row " + id + "')");
      expected.add(List.of("insert item[" + id + "] {id=" + id + ", v='row " + id + "'}"));
    }

    /** A fresh borrower's autocommit write is captured once, as the newest transaction. */
    void nextBorrowerWritesOnce() throws SQLException {
      try (Connection c = pool.getConnection()) {
        assertThat(c.getAutoCommit()).isTrue();
        assertThat(c.isReadOnly()).isFalse();
        assertThat(seq(c)).isEqualTo(expected.size());
        write(c);
        assertThat(seq(c)).isEqualTo(expected.size());
        assertThat(transactions(c)).isEqualTo(expected);
      }
    }
  }

  // ---- load ----------------------------------------------------------------------------

  private static final int THREADS = 16;
  private static final int PER_THREAD = 1_000;
  private static final int WARM_UP = 100;
  private static final int POOL_SIZE = 4;
  private static final int SEEDED = 2_000;

  private static HikariDataSource loadPool(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setConnectionTimeout(30_000);
    return new HikariDataSource(config);
  }

  @Test
  @Timeout(180)
  void sixteenThreadsOfMixedTransactionsAreCapturedExactly() throws Exception {
    PoolWorkload.Outcome plain;
    try (HikariDataSource pool =
        loadPool("jdbc:sqlite:" + dir.resolve("plain.db") + "?" + SQLITE_OPTIONS)) {
      plain = PoolWorkload.measure(pool, SEEDED, THREADS, WARM_UP, PER_THREAD);
    }
    PoolWorkload.Outcome chora;
    try (HikariDataSource pool = loadPool(url("load.db", "origin"))) {
      chora = PoolWorkload.measure(pool, SEEDED, THREADS, WARM_UP, PER_THREAD);
      try (Connection origin = pool.getConnection();
          Connection replica = DriverManager.getConnection(url("replica.db", "replica"))) {
        assertThat(Db.of(origin).clock().get("origin")).isEqualTo(chora.committedWrites());
        exec(replica, PoolWorkload.SCHEMA);
        Db.of(replica).syncWith(Db.of(origin));
        assertThat(Db.of(replica).clock()).isEqualTo(Db.of(origin).clock());
        String all = "SELECT id, owner, qty, note FROM item ORDER BY id";
        List<String> rows = Db.rows(origin, all);
        assertThat(rows).hasSizeGreaterThan(SEEDED);
        assertThat(Db.rows(replica, all)).isEqualTo(rows);
        assertThat(rows).noneMatch(r -> r.endsWith("|" + PoolWorkload.ROLLED_BACK));
      }
    }
    System.out.printf(
        "HikariCP pool of %d, %d threads x %d mixed transactions: sqlite-jdbc %.0f tx/s (%.1f s),"
            + " chora %.0f tx/s (%.1f s), chora/sqlite %.2f; %d write transactions committed%n",
        POOL_SIZE,
        THREADS,
        PER_THREAD,
        plain.perSecond(),
        plain.nanos() / 1e9,
        chora.perSecond(),
        chora.nanos() / 1e9,
        chora.perSecond() / plain.perSecond(),
        chora.committedWrites());
  }
}
