package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.it.convergence.Feature;
import io.chora.it.convergence.Schema;
import io.chora.it.convergence.Stats;
import io.chora.it.convergence.Workload;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChanges;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas that sync live through a hub on 127.0.0.1, with nothing but {@code chora.hub} in their
 * URLs: live propagation, offline catch-up, hub restarts, bad tokens, clean shutdown, and three
 * replicas converging under random concurrent writes.
 */
class HubSyncTest {
  @TempDir Path dir;
  private HubFixture hubs;

  @BeforeEach
  void startHub() throws Exception {
    hubs = new HubFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    hubs.close();
  }

  private Connection replica(String site) throws SQLException {
    return hubs.replica(site);
  }

  @Test
  void aCommittedRowShowsUpOnTheOtherDeviceAndItsListenerHears() throws Exception {
    Connection laptop = replica("laptop");
    Connection phone = replica("phone");
    BlockingQueue<RemoteChanges> heard = new LinkedBlockingQueue<>();
    Db.of(phone).addRemoteChangeListener(heard::add);
    await("both are connected", () -> Db.of(laptop).hubStatus().connected());

    exec(laptop, "INSERT INTO note VALUES (1, 'written on the laptop')");
    RemoteChanges changes = heard.poll(30, TimeUnit.SECONDS);
    assertThat(changes).isNotNull();
    assertThat(changes.origin()).isEqualTo("laptop");
    assertThat(changes.keysByTable()).containsEntry("note", List.of(List.of(1L)));
    assertThat(rows(phone, "SELECT * FROM note")).containsExactly("1|written on the laptop");

    exec(phone, "UPDATE note SET title = 'edited on the phone' WHERE id = 1");
    await("the laptop sees the edit", () -> sameRows(laptop, phone));
    await("nothing is pending", () -> Db.of(phone).hubStatus().pendingTransactions() == 0);
    HubStatus status = Db.of(laptop).hubStatus();
    assertThat(status.configured()).isTrue();
    assertThat(status.caughtUp()).isTrue();
    assertThat(status.lastError()).isNull();
  }

  /**
   * Three replicas insert at once, live, leaving every key to SQLite (a prepared insert reading its
   * generated key, RETURNING, several VALUES rows, INSERT … SELECT, a batch): every row reaches
   * every replica once, under the key its writer was told.
   */
  @Test
  void replicasInsertingLiveWithGeneratedKeysKeepEveryRowOnceUnderItsKey() throws Exception {
    List<Connection> all = List.of(replica("r0"), replica("r1"), replica("r2"));
    for (Connection c : all) {
      await("connected", () -> Db.of(c).hubStatus().caughtUp());
    }
    Map<Long, String> told = new ConcurrentHashMap<>();
    List<Thread> writers = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int r = 0; r < all.size(); r++) {
      Connection c = all.get(r);
      String site = "r" + r;
      Thread t =
          new Thread(
              () -> {
                try {
                  insertEveryWay(c, site, told);
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      writers.add(t);
      t.start();
    }
    for (Thread t : writers) {
      t.join(60_000);
    }
    assertThat(failures).isEmpty();
    await("the replicas agree", () -> sameRows(all.toArray(Connection[]::new)));
    List<String> titles = rows(all.get(0), "SELECT title FROM note");
    assertThat(titles).doesNotHaveDuplicates().hasSize(3 * 5 * 6);
    for (Map.Entry<Long, String> e : told.entrySet()) {
      assertThat(rows(all.get(0), "SELECT title FROM note WHERE id = " + e.getKey()))
          .containsExactly(e.getValue());
    }
    assertThat(told).hasSize(3 * 5 * 2);
  }

  @Test
  void liveIncrementsOfACounterOnThreeReplicasAddUp() throws Exception {
    List<Connection> all = new ArrayList<>();
    for (String site : List.of("r0", "r1", "r2")) {
      Connection c = hubs.replica(site, HubFixture.TOKEN, "&chora.counters=score.n");
      exec(c, "CREATE TABLE IF NOT EXISTS score(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
      all.add(c);
    }
    exec(all.get(0), "INSERT INTO score VALUES (1, 0)");
    for (Connection c : all) {
      await("the row is everywhere", () -> rows(c, "SELECT n FROM score").equals(List.of("0")));
    }
    List<Thread> writers = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (Connection c : all) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 40; i++) {
                    exec(c, "UPDATE score SET n = n + 1 WHERE id = 1");
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      writers.add(t);
      t.start();
    }
    for (Thread t : writers) {
      t.join(60_000);
    }
    assertThat(failures).isEmpty();
    for (Connection c : all) {
      await("every increment counts", () -> rows(c, "SELECT n FROM score").equals(List.of("120")));
    }
  }

  /** Five rounds of six notes each, in every form of insert that leaves the key to SQLite. */
  private static void insertEveryWay(Connection c, String site, Map<Long, String> told)
      throws SQLException {
    for (int round = 0; round < 5; round++) {
      String p = site + "." + round + ".";
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO note(title) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, p + "prepared");
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          told.put(keys.getLong(1), p + "prepared");
        }
      }
      try (Statement st = c.createStatement();
          ResultSet back =
              st.executeQuery(
                  "INSERT INTO note(id, title) VALUES (NULL, '" + p + "returning') RETURNING id")) {
        back.next();
        told.put(back.getLong(1), p + "returning");
      }
      exec(c, "INSERT INTO note(title) VALUES ('" + p + "rows a'), ('" + p + "rows b')");
      exec(c, "INSERT INTO note(title) SELECT column1 FROM (VALUES ('" + p + "select'))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO note(title) VALUES (?)")) {
        ps.setString(1, p + "batch");
        ps.addBatch();
        ps.executeBatch();
      }
    }
  }

  @Test
  void aReplicaCopiedToANewDevicePushesTheHistoryItInheritedAsWellAsItsOwn() throws Exception {
    Path old = dir.resolve("old-laptop.db"); // written offline, never on the hub
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + old + "?chora.site=laptop")) {
      exec(
          c,
          "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)",
          "INSERT INTO note VALUES (1, 'written on the old laptop')");
    }
    java.nio.file.Files.move(old, dir.resolve("new-laptop.db")); // to the new device
    java.nio.file.Files.copy(dir.resolve("new-laptop.db"), dir.resolve("spare.db"));
    Connection phone = replica("phone");
    Connection copy = replica("spare"); // the copy goes on as 'spare', laptop's history with it
    exec(copy, "INSERT INTO note VALUES (2, 'written on the copy')");
    await(
        "the phone holds what laptop and spare wrote",
        () -> rows(phone, "SELECT * FROM note ORDER BY id").size() == 2);
    assertThat(rows(phone, "SELECT * FROM note ORDER BY id"))
        .containsExactly("1|written on the old laptop", "2|written on the copy");
    assertThat(Db.of(phone).clock()).isEqualTo(Db.of(copy).clock());
    assertThat(Db.of(phone).clock().get("laptop")).isEqualTo(1);
  }

  @Test
  void twoFilesWritingAsOneSiteAreRefusedByTheHubByName() throws Exception {
    Connection first = replica("x");
    exec(first, "INSERT INTO note VALUES (1, 'in the first file')");
    await(
        "the first file's push stored", () -> Db.of(first).hubStatus().pendingTransactions() == 0);
    String url = hubs.url("x", HubFixture.TOKEN, "");
    String other = url.replace(dir.resolve("x.db").toString(), dir.resolve("x-too.db").toString());
    try (Connection second = DriverManager.getConnection(other)) { // one chora.site, two files
      exec(second, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(second, "INSERT INTO note VALUES (2, 'in the second file')");
      await(
          "the hub refuses the second file's x:1",
          () -> String.valueOf(Db.of(second).hubStatus().lastError()).contains("fork"));
      HubStatus status = Db.of(second).hubStatus();
      assertThat(status.lastError()).contains("fork").contains("x:1").contains("two files");
      assertThat(status.pendingTransactions()).as("not reported as synced").isEqualTo(1);
      assertThat(rows(first, "SELECT * FROM note")).containsExactly("1|in the first file");
    }
  }

  @Test
  void aDeviceThatWasOfflineCatchesUpOnReconnect() throws Exception {
    Connection laptop = replica("laptop");
    Connection phone = replica("phone");
    await("connected", () -> Db.of(phone).hubStatus().connected());
    hubs.close(phone); // the phone goes offline: its hub client stops with its last connection

    laptop.setAutoCommit(false);
    try (var insert = laptop.prepareStatement("INSERT INTO note VALUES (?, ?)")) {
      for (int i = 1; i <= 10_000; i++) {
        insert.setInt(1, i);
        insert.setString(2, "row " + i);
        insert.executeUpdate();
        if (i % 100 == 0) {
          laptop.commit(); // 100 transactions while the phone is away
        }
      }
    }
    laptop.setAutoCommit(true);
    await("the hub has it all", () -> Db.of(laptop).hubStatus().pendingTransactions() == 0);

    Connection back = replica("phone");
    await("the phone caught up", () -> sameRows(laptop, back));
    assertThat(rows(back, "SELECT count(*) FROM note")).containsExactly("10000");
    assertThat(Db.of(back).clock()).isEqualTo(Db.of(laptop).clock());
  }

  @Test
  void writesMadeWhileTheHubIsDownArriveAfterItRestarts() throws Exception {
    Connection laptop = replica("laptop");
    Connection phone = replica("phone");
    await("connected", () -> Db.of(phone).hubStatus().connected());
    int port = hubs.hub.port();
    hubs.hub.close();
    await("the laptop noticed", () -> !Db.of(laptop).hubStatus().connected());

    exec(laptop, "INSERT INTO note VALUES (1, 'while the hub was down')");
    exec(phone, "INSERT INTO note VALUES (2, 'also offline')");
    hubs.start(port);
    await("both converge after the restart", () -> sameRows(laptop, phone));
    assertThat(rows(laptop, "SELECT id FROM note ORDER BY id")).containsExactly("1", "2");
  }

  @Test
  void aWrongTokenIsRefusedAndNothingSyncs() throws Exception {
    Connection good = replica("laptop");
    Connection bad = hubs.replica("phone", "not-the-token-at-all", "");
    exec(good, "INSERT INTO note VALUES (1, 'secret')");
    await("the refusal is reported", () -> Db.of(bad).hubStatus().lastError() != null);
    assertThat(Db.of(bad).hubStatus().lastError()).contains("401");
    assertThat(Db.of(bad).hubStatus().connected()).isFalse();
    assertThat(Db.of(bad).hubStatus().refused()).isTrue();
    assertThat(Db.of(good).hubStatus().refused()).isFalse();
    Thread.sleep(300);
    assertThat(rows(bad, "SELECT * FROM note")).isEmpty();
  }

  @Test
  void badHubSettingsFailTheConnectionWithAClearError() {
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    "jdbc:chora:" + dir.resolve("x.db") + "?chora.hub=ws://127.0.0.1:1/team"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.hub.token");
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    "jdbc:chora::memory:?chora.hub=ws://127.0.0.1:1/team&chora.hub.token=t"))
        .hasMessageContaining("needs a database file");
  }

  @Test
  void closingTheLastConnectionStopsTheClientsThreads() throws Exception {
    Connection a = replica("laptop");
    Connection b = DriverManager.getConnection(hubs.url("laptop", HubFixture.TOKEN, ""));
    await("connected", () -> Db.of(a).hubStatus().connected());
    assertThat(hubThreads()).isNotEmpty();
    hubs.close(a);
    assertThat(hubThreads()).as("another connection still uses it").isNotEmpty();
    b.close();
    await("the client's threads ended: " + hubThreads(), () -> hubThreads().isEmpty());
  }

  private static List<String> hubThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("chora-hub-client-"))
        .toList();
  }

  @Test
  void threeReplicasWritingConcurrentlyConvergeThroughTheHub() throws Exception {
    // the randomized suite's workload over the writes both modes share: inserts, re-inserts,
    // INSERT … SELECT, upserts, REPLACE, many-row updates, deletes, batches, JDBC and SQL
    // transactions with rollbacks and savepoints, written while the hub clients apply each other's
    // changes underneath
    Connection[] replicas = {replica("a"), replica("b"), replica("c")};
    Set<Feature> features = Feature.common(SyncMode.values());
    long seed = System.nanoTime();
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (Connection c : replicas) {
      exec(c, Schema.create(features));
    }
    Workload work = new Workload(features, random.split(), new Stats(), what -> {}, replicas);
    await(
        "all connected",
        () -> {
          for (Connection c : replicas) {
            if (!Db.of(c).hubStatus().caughtUp()) {
              return false;
            }
          }
          return true;
        });
    int busy = 0;
    for (int step = 0; step < 120; step++) {
      int r = random.nextInt(replicas.length);
      try {
        work.work(r, 1 + random.nextInt(4));
      } catch (org.sqlite.SQLiteException e) {
        // a deferred transaction (BEGIN, reads, then a write) that the hub client's apply got
        // ahead of fails at once with SQLITE_BUSY, as with any second writer: an app retries it;
        // and a key the workload picked as absent can be inserted by an apply before the write
        // runs, which SQLite then refuses, as it would for any concurrent writer of that key
        if (!e.getMessage().contains("SQLITE_BUSY")
            && !e.getMessage().contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
          throw e;
        }
        busy++;
        endTransaction(replicas[r]);
      }
    }
    assertThat(busy).as("units that met SQLITE_BUSY").isLessThan(60);
    await(
        "every replica holds every transaction (seed " + seed + ")",
        () -> {
          var clock = Db.of(replicas[0]).clock();
          return clock.equals(Db.of(replicas[1]).clock())
              && clock.equals(Db.of(replicas[2]).clock());
        });
    for (Connection c : replicas) {
      for (String dump : Schema.dumps(features)) {
        assertThat(rows(c, dump)).as("seed " + seed).isEqualTo(rows(replicas[0], dump));
      }
    }
  }

  @Test
  void aHubKilledHardDuringPushesLosesNothingAndTheReplicasConverge() throws Exception {
    hubs.hub.close(); // this test runs its hub in a process of its own
    int port = HubProcess.freePort();
    Path data = dir.resolve("killed-hub");
    Process hub = HubProcess.start(data, port);
    String options = "&chora.hub=ws://127.0.0.1:" + port + "/" + HubFixture.WORKSPACE;
    try (Connection laptop =
            DriverManager.getConnection(
                hubs.url("laptop", HubFixture.TOKEN, "").replaceAll("&chora.hub=[^&]*", options));
        Connection phone =
            DriverManager.getConnection(
                hubs.url("phone", HubFixture.TOKEN, "").replaceAll("&chora.hub=[^&]*", options))) {
      for (Connection c : List.of(laptop, phone)) {
        exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      }
      await("connected", () -> Db.of(laptop).hubStatus().caughtUp());
      for (int i = 1; i <= 300; i++) {
        exec(laptop, "INSERT INTO note VALUES (" + i + ", 'row " + i + "')");
        if (i == 150) {
          hub.destroyForcibly(); // kill -9 while pushes are in flight
          hub.waitFor();
        }
        if (i == 200) {
          hub = HubProcess.start(data, port); // back on the same data and port
        }
      }
      await("the phone has all 300 rows", () -> sameRows(laptop, phone));
      assertThat(rows(phone, "SELECT count(*) FROM note")).containsExactly("300");
      await("nothing pending", () -> Db.of(laptop).hubStatus().pendingTransactions() == 0);
      assertThat(Db.of(phone).clock()).isEqualTo(Db.of(laptop).clock());
    } finally {
      hub.destroyForcibly();
      hub.waitFor();
    }
  }

  private static void endTransaction(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
    }
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException noneOpen) {
      // the failed unit was not an SQL transaction
    }
  }
}
