package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static io.chora.jdbc.testing.Db.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas that insert offline with keys left to SQLite, in every form an application uses, end
 * with every row once under the key its replica reported, and children still under their parents.
 */
class SyncedKeysTest {
  private static final long SEED = Long.getLong("chora.keys.seed", System.nanoTime());

  @TempDir Path dir;

  private Connection open(String site) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site + "&foreign_keys=true");
    exec(
        c,
        "CREATE TABLE IF NOT EXISTS parent(id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT)",
        "CREATE TABLE IF NOT EXISTS child(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES"
            + " parent(id) ON DELETE CASCADE, title TEXT)");
    return c;
  }

  /** One replica's offline work: parents in each insert form, a child under each parent. */
  private static List<String> work(Connection c, String site, Random random) throws SQLException {
    List<String> made = new ArrayList<>();
    c.setAutoCommit(false);
    try (PreparedStatement parent =
            c.prepareStatement(
                "INSERT INTO parent(title) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
        PreparedStatement child =
            c.prepareStatement("INSERT INTO child(parent, title) VALUES (?, ?)")) {
      int n = 1 + random.nextInt(5);
      for (int i = 0; i < n; i++) {
        String title = site + "-p" + i;
        parent.setString(1, title);
        parent.executeUpdate();
        long key;
        try (ResultSet keys = parent.getGeneratedKeys()) {
          keys.next();
          key = keys.getLong(1);
        }
        made.add(key + "|" + title);
        child.setLong(1, key);
        child.setString(2, "child of " + title);
        child.addBatch();
      }
      child.executeBatch();
    }
    exec(
        c,
        "INSERT INTO parent(title) VALUES ('" + site + "-m1'), ('" + site + "-m2')",
        "INSERT INTO parent(id, title) SELECT NULL, '"
            + site
            + "-s' || value FROM json_each('[1,2]')",
        "INSERT INTO child(parent, title) SELECT id, 'child of ' || title FROM parent"
            + " WHERE title LIKE '"
            + site
            + "-_%' AND title NOT LIKE '"
            + site
            + "-p%'");
    c.commit();
    c.setAutoCommit(true);
    for (String row :
        rows(c, "SELECT id, title FROM parent WHERE title NOT LIKE '" + site + "-p%'")) {
      made.add(row);
    }
    return made;
  }

  @Test
  void fiveReplicasInsertingOfflineKeepEveryRowUnderItsKey() throws Exception {
    System.out.println("SyncedKeysTest seed " + SEED + " (replay: -Dchora.keys.seed=" + SEED + ")");
    Random random = new Random(SEED);
    List<Connection> replicas = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    try {
      for (String site : List.of("a", "b", "c", "d", "e")) {
        Connection c = open(site);
        replicas.add(c);
        for (int round = 0; round < 2; round++) {
          expected.addAll(work(c, site + round, random));
        }
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < replicas.size(); i++) {
          for (int j = i + 1; j < replicas.size(); j++) {
            Db.of(replicas.get(i)).syncWith(Db.of(replicas.get(j)));
          }
        }
      }
      for (Connection c : replicas) {
        assertThat(new HashSet<>(rows(c, "SELECT id, title FROM parent"))).isEqualTo(expected);
        assertThat(scalar(c, "SELECT count(*) FROM child")).isEqualTo(expected.size());
        // every child sits under the parent its replica gave it
        assertThat(
                scalar(
                    c,
                    "SELECT count(*) FROM child JOIN parent ON parent.id = child.parent"
                        + " WHERE child.title = 'child of ' || parent.title"))
            .isEqualTo(expected.size());
        assertThat(Db.of(c).conflicts()).isEmpty();
        assertThat(rows(c, "SELECT id, parent, title FROM child ORDER BY id"))
            .isEqualTo(rows(replicas.get(0), "SELECT id, parent, title FROM child ORDER BY id"));
      }
    } finally {
      for (Connection c : replicas) {
        c.close();
      }
    }
  }

  @Test
  void replicasThatPickedTheSameBlockBothGiveItUpAfterTheSync() throws Exception {
    try (Connection a = open("a");
        Connection b = open("b")) {
      exec(a, "INSERT INTO parent(title) VALUES ('a1')");
      long shared = KeyBlocks.blockOf(scalar(a, "SELECT id FROM parent"));
      exec(b, "INSERT INTO parent(title) VALUES ('b0')");
      // b's row in a's block, as when two replicas chose one block before any sync
      exec(b, "INSERT INTO parent(id, title) VALUES (" + (shared + 5) + ", 'b1')");
      Db.of(a).syncWith(Db.of(b));
      exec(a, "INSERT INTO parent(title) VALUES ('a2')");
      long a2 = scalar(a, "SELECT id FROM parent WHERE title = 'a2'");
      assertThat(KeyBlocks.blockOf(a2)).isNotEqualTo(shared);
      Db.of(a).syncWith(Db.of(b));
      assertThat(rows(a, "SELECT title FROM parent ORDER BY title"))
          .containsExactly("a1", "a2", "b0", "b1")
          .isEqualTo(rows(b, "SELECT title FROM parent ORDER BY title"));
    }
  }
}
