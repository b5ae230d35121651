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
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key SQLite would pick for an insert through chora comes from the replica's own block, in
 * every form an application writes an INSERT; what the application reads back (generated keys,
 * last_insert_rowid(), RETURNING, update counts) is the key stored. Explicit keys stay as given.
 */
class GeneratedKeysTest {
  @TempDir Path dir;

  private Connection open(String name) throws SQLException {
    Connection c = Db.chora(dir, name + ".db", "chora.site=" + name);
    exec(
        c,
        "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, x TEXT)",
        "CREATE TABLE IF NOT EXISTS auto(id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT)");
    return c;
  }

  /** [lo, hi) of the block the site's inserts into {@code table} take keys from. */
  private static long[] block(Connection c, String table) throws SQLException {
    List<String> r =
        rows(
            c,
            "SELECT lo || '|' || hi FROM chora_key_cursor k JOIN chora_tables t ON t.id = k.tbl"
                + " WHERE t.name = '"
                + table
                + "' AND k.site = (SELECT value FROM chora_meta WHERE key = 'site')");
    assertThat(r).hasSize(1);
    String[] parts = r.get(0).split("\\|");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  private static void assertInBlock(Connection c, String table, List<Long> keys)
      throws SQLException {
    long[] b = block(c, table);
    assertThat(b[1] - b[0]).isEqualTo(KeyBlocks.SIZE);
    assertThat(b[1]).isLessThanOrEqualTo(1L << 31);
    assertThat(keys).allSatisfy(k -> assertThat(k).isBetween(b[0], b[1] - 1));
    assertThat(new HashSet<>(keys)).hasSize(keys.size());
  }

  private static List<Long> keys(Connection c, String table) throws SQLException {
    List<Long> keys = new ArrayList<>();
    for (String k : rows(c, "SELECT id FROM " + table + " ORDER BY id")) {
      keys.add(Long.parseLong(k));
    }
    return keys;
  }

  @Test
  void aPreparedInsertReportsTheKeyItStoredFromTheReplicasBlock() throws Exception {
    try (Connection c = open("a");
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO t(x) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "one");
      assertThat(ps.executeUpdate()).isEqualTo(1); // the block claim is chora's, not counted
      long generated;
      try (ResultSet rs = ps.getGeneratedKeys()) {
        assertThat(rs.next()).isTrue();
        generated = rs.getLong(1);
      }
      assertThat(scalar(c, "SELECT last_insert_rowid()")).isEqualTo(generated);
      assertThat(scalar(c, "SELECT changes()")).isEqualTo(1);
      assertThat(keys(c, "t")).containsExactly(generated);
      assertThat(generated).isGreaterThanOrEqualTo(KeyBlocks.SIZE);
      ps.setString(1, "two");
      ps.executeUpdate();
      assertThat(scalar(c, "SELECT last_insert_rowid()")).isEqualTo(generated + 1);
      assertInBlock(c, "t", keys(c, "t"));
    }
  }

  @Test
  void everyInsertFormTakesKeysFromTheBlock() throws Exception {
    try (Connection c = open("a")) {
      exec(
          c,
          "INSERT INTO t(x) VALUES ('values')",
          "INSERT INTO t VALUES (NULL, 'positional null')",
          "INSERT INTO t(id, x) VALUES (NULL, 'named null')",
          "INSERT INTO t(x) VALUES ('m1'), ('m2'), ('m3')",
          "INSERT INTO t(id, x) VALUES (NULL, 'n1'), (NULL, 'n2')",
          "INSERT INTO t(x) SELECT 's' || value FROM json_each('[1,2,3,4]')",
          "INSERT INTO t SELECT NULL, 'star ' || x FROM t WHERE x LIKE 'm%'",
          "WITH src(v) AS (VALUES ('w1'), ('w2')) INSERT INTO t(x) SELECT v FROM src",
          "INSERT INTO t(x) WITH src(v) AS (VALUES ('iw')) SELECT v FROM src",
          "INSERT INTO t DEFAULT VALUES",
          "REPLACE INTO t(x) VALUES ('replace')",
          "INSERT OR IGNORE INTO t(x) VALUES ('or ignore')",
          "INSERT INTO main.\"t\" AS alias (\"x\") VALUES ('quoted')",
          "/* a comment */ INSERT INTO t(x) VALUES ('commented')");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(id, x) VALUES (?, ?)")) {
        ps.setNull(1, Types.INTEGER);
        ps.setString(2, "bound null");
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("INSERT INTO t(x) VALUES ('returning') RETURNING id")) {
        assertThat(rs.next()).isTrue();
        long returned = rs.getLong(1);
        rs.close();
        assertThat(scalar(c, "SELECT id FROM t WHERE x = 'returning'")).isEqualTo(returned);
      }
      List<Long> keys = keys(c, "t");
      assertThat(keys).hasSize(25);
      assertInBlock(c, "t", keys);
    }
  }

  @Test
  void explicitKeysAndUpsertsStayAsTheApplicationWroteThem() throws Exception {
    try (Connection c = open("a")) {
      exec(c, "CREATE UNIQUE INDEX tx ON t(x)");
      exec(
          c,
          "INSERT INTO t VALUES (7, 'seven')",
          "INSERT INTO t(id, x) VALUES (8, 'eight'), (9, 'nine')",
          "INSERT INTO t(x) VALUES ('seven') ON CONFLICT(x) DO UPDATE SET x = 'seven again'",
          "INSERT INTO t(x) SELECT 'eight' ON CONFLICT(x) DO UPDATE SET x = 'eight again'",
          "INSERT INTO t(x) VALUES ('new') ON CONFLICT(x) DO NOTHING");
      assertThat(rows(c, "SELECT id, x FROM t WHERE id < 10 ORDER BY id"))
          .containsExactly("7|seven again", "8|eight again", "9|nine");
      assertInBlock(c, "t", List.of(scalar(c, "SELECT id FROM t WHERE x = 'new'")));
    }
  }

  @Test
  void batchesAndBlocksThatFillUpGoOnInAFreshBlock() throws Exception {
    try (Connection c = open("a")) {
      c.setAutoCommit(false);
      long[] first;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO auto(x) VALUES (?)")) {
        ps.setString(1, "first");
        ps.executeUpdate();
        first = block(c, "auto");
        // the block is nearly full: the rest of the batch crosses into a new one
        exec(c, "INSERT INTO auto VALUES (" + (first[1] - 3) + ", 'near the end')");
        for (int i = 0; i < 10; i++) {
          ps.setString(1, "batch " + i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).containsOnly(1);
      }
      exec(c, "INSERT INTO auto(x) VALUES ('m1'), ('m2'), ('m3')");
      c.commit();
      List<Long> keys = keys(c, "auto");
      assertThat(keys).hasSize(15).doesNotHaveDuplicates();
      long[] now = block(c, "auto");
      assertThat(rows(c, "SELECT id FROM auto WHERE x LIKE 'm%' OR x = 'batch 9'"))
          .allSatisfy(k -> assertThat(Long.parseLong(k)).isBetween(now[0], now[1] - 1));
      assertThat(now[0]).isNotEqualTo(first[0]);
      // SQLite's own sequence follows the keys stored, as it does for explicit keys
      assertThat(scalar(c, "SELECT seq FROM sqlite_sequence WHERE name = 'auto'"))
          .isEqualTo(keys.stream().mapToLong(Long::longValue).max().orElseThrow());
    }
  }

  @Test
  void aMultiRowInsertThatCrossesTheBlockEndGetsDistinctKeys() throws Exception {
    try (Connection c = open("a")) {
      exec(c, "INSERT INTO t(x) VALUES ('first')");
      long[] first = block(c, "t");
      exec(c, "INSERT INTO t VALUES (" + (first[1] - 2) + ", 'near the end')");
      exec(c, "INSERT INTO t(x) SELECT 'r' || value FROM json_each('[1,2,3,4,5,6]')");
      List<Long> keys = keys(c, "t");
      assertThat(keys).hasSize(8).doesNotHaveDuplicates();
      long[] second = block(c, "t");
      assertThat(second[0]).isNotEqualTo(first[0]);
      assertThat(
              rows(c, "SELECT count(*) FROM t WHERE id >= " + second[0] + " AND id < " + second[1]))
          .containsExactly("5");
    }
  }

  @Test
  void replicasAndCopiesTakeDisjointBlocks() throws Exception {
    Set<Long> starts = new HashSet<>();
    for (String site : new String[] {"a", "b", "c", "d", "e"}) {
      try (Connection c = open(site)) {
        exec(c, "INSERT INTO t(x) VALUES ('" + site + "')");
        starts.add(block(c, "t")[0]);
      }
    }
    assertThat(starts).hasSize(5);
    try (Connection a = open("a")) {
      exec(a, "INSERT INTO t(x) VALUES ('a again')");
    }
    java.nio.file.Files.copy(dir.resolve("a.db"), dir.resolve("copy.db"));
    try (Connection a = Db.chora(dir, "a.db");
        Connection copy = Db.chora(dir, "copy.db")) {
      assertThat(Db.of(copy).siteId()).isNotEqualTo("a");
      exec(a, "INSERT INTO t(x) VALUES ('from a')");
      exec(copy, "INSERT INTO t(x) VALUES ('from the copy')");
      assertThat(block(copy, "t")[0]).isNotEqualTo(block(a, "t")[0]);
      Db.of(a).syncWith(Db.of(copy));
      assertThat(rows(a, "SELECT x FROM t ORDER BY x"))
          .containsExactly("a", "a again", "from a", "from the copy");
      assertThat(rows(copy, "SELECT id, x FROM t ORDER BY id"))
          .isEqualTo(rows(a, "SELECT id, x FROM t ORDER BY id"));
    }
  }
}
