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

  /** The blocks this file's writers claimed for {@code table}. */
  private static Set<Long> claimed(Connection c, String table) throws SQLException {
    Set<Long> blocks = new HashSet<>();
    for (String lo :
        rows(
            c,
            "SELECT lo FROM chora_key_blocks k JOIN chora_tables t ON t.id = k.tbl"
                + " WHERE t.name = '"
                + table
                + "'")) {
      blocks.add(Long.parseLong(lo));
    }
    return blocks;
  }

  /** Distinct keys, each in a block claimed here, none below block 1 or past 2^31. */
  private static void assertInBlocks(Connection c, String table, List<Long> keys)
      throws SQLException {
    Set<Long> blocks = claimed(c, table);
    assertThat(keys)
        .allSatisfy(
            k -> {
              assertThat(k).isBetween(KeyBlocks.SIZE, (1L << 31) - 1);
              assertThat(blocks).contains(KeyBlocks.blockOf(k));
            });
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
      // the block's top key went first; the rest count up from its bottom
      assertThat(generated % KeyBlocks.SIZE).isEqualTo(KeyBlocks.SIZE - 1);
      assertThat(scalar(c, "SELECT last_insert_rowid()"))
          .isEqualTo(generated - (KeyBlocks.SIZE - 1));
      assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(1);
      assertInBlocks(c, "t", keys(c, "t"));
      assertThat(claimed(c, "t")).hasSize(1);
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
      assertInBlocks(c, "t", keys);
      assertThat(claimed(c, "t")).hasSize(1);
    }
  }

  /** Seen in CI: the rewrite read the new table while this statement's PRAGMA was still open. */
  @Test
  void oneStatementRunsAPragmaThenTableDdlThenAnInsert() throws Exception {
    try (Connection c = Db.chora(dir, "pragma.db", "chora.site=p");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("INSERT INTO note(title) VALUES ('first')");
      st.execute("CREATE TABLE other(id INTEGER PRIMARY KEY, y TEXT)");
      st.execute("PRAGMA journal_mode");
      st.execute("INSERT INTO other(y) VALUES ('second')");
      assertInBlocks(c, "note", List.of(scalar(c, "SELECT id FROM note")));
      assertInBlocks(c, "other", List.of(scalar(c, "SELECT id FROM other")));
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
      assertInBlocks(c, "t", List.of(scalar(c, "SELECT id FROM t WHERE x = 'new'")));
    }
  }

  @Test
  void batchesAndStatementsThatUseUpABlockGoOnInFreshOnes() throws Exception {
    int rows = (int) KeyBlocks.SIZE + 10;
    try (Connection c = open("a")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO auto(x) VALUES (?)")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "batch " + i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(rows).containsOnly(1);
      }
      exec(
          c,
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
              + rows
              + ") INSERT INTO auto(x) SELECT 'select ' || i FROM n");
      c.commit();
      List<Long> keys = keys(c, "auto");
      assertThat(keys).hasSize(2 * rows);
      assertInBlocks(c, "auto", keys);
      assertThat(claimed(c, "auto")).hasSize(3);
      // SQLite's own sequence follows the keys stored, as it does for explicit keys
      assertThat(scalar(c, "SELECT seq FROM sqlite_sequence WHERE name = 'auto'"))
          .isEqualTo(keys.stream().mapToLong(Long::longValue).max().orElseThrow());
    }
  }

  @Test
  void aRolledBackClaimIsNotKeptAndAnotherProgramsInsertDoesNotCollide() throws Exception {
    try (Connection c = open("a")) {
      c.setAutoCommit(false);
      exec(c, "INSERT INTO t(x) VALUES ('rolled back')");
      c.rollback();
      assertThat(claimed(c, "t")).isEmpty();
      exec(c, "INSERT INTO t(x) VALUES ('kept')");
      c.commit();
      c.setAutoCommit(true);
      assertThat(claimed(c, "t")).hasSize(1);
      // the sqlite3 shell, or any program without chora, lets SQLite pick: one past the highest
      try (Connection shell = Db.sqlite(dir, "a.db")) {
        exec(shell, "INSERT INTO t(x) VALUES ('from the shell')");
      }
      exec(c, "INSERT INTO t(x) VALUES ('after the shell')");
      assertThat(rows(c, "SELECT x FROM t ORDER BY x"))
          .containsExactly("after the shell", "from the shell", "kept");
    }
  }

  @Test
  void replicasAndCopiesTakeDisjointBlocks() throws Exception {
    Set<Long> starts = new HashSet<>();
    for (String site : new String[] {"a", "b", "c", "d", "e"}) {
      try (Connection c = open(site)) {
        exec(c, "INSERT INTO t(x) VALUES ('" + site + "')");
        starts.addAll(claimed(c, "t"));
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
      long fromA = scalar(a, "SELECT id FROM t WHERE x = 'from a'");
      long fromCopy = scalar(copy, "SELECT id FROM t WHERE x = 'from the copy'");
      assertThat(KeyBlocks.blockOf(fromCopy)).isNotEqualTo(KeyBlocks.blockOf(fromA));
      Db.of(a).syncWith(Db.of(copy));
      assertThat(rows(a, "SELECT x FROM t ORDER BY x"))
          .containsExactly("a", "a again", "from a", "from the copy");
      assertThat(rows(copy, "SELECT id, x FROM t ORDER BY id"))
          .isEqualTo(rows(a, "SELECT id, x FROM t ORDER BY id"));
    }
  }
}
