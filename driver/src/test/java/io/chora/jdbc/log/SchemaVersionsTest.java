package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas on different schema versions keep syncing: what a replica lacks the table or column for
 * is kept aside, passed on, and moves into the tables when its own migration adds them.
 */
class SchemaVersionsTest {
  @TempDir Path dir;

  private static final String V1 = "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)";
  private static final String[] V2 = {
    "ALTER TABLE note ADD COLUMN body TEXT NOT NULL DEFAULT ''",
    "CREATE TABLE tag(id INTEGER PRIMARY KEY, note INTEGER, name TEXT)"
  };
  private static final String NOTES = "SELECT id, title, body FROM note ORDER BY id";
  private static final String TAGS = "SELECT id, note, name FROM tag ORDER BY id";

  private Connection replica(String site, boolean v2) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(c, V1);
    if (v2) {
      exec(c, V2);
    }
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  @Test
  void anOlderReplicaAppliesWhatItCanKeepsTheRestAndTakesItInWhenItMigrates() throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", false)) {
      exec(
          a,
          "INSERT INTO note VALUES (1, 'groceries', 'milk, eggs')",
          "INSERT INTO tag VALUES (1, 1, 'home')");
      exec(b, "INSERT INTO note VALUES (2, 'call mum')");

      chora(a).syncWith(chora(b)); // b on v1: no set is refused

      assertThat(rows(b, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("1|groceries", "2|call mum");
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 1L), Map.entry("tag", 1L));
      assertThat(rows(a, NOTES)).containsExactly("1|groceries|milk, eggs", "2|call mum|");
      assertThat(chora(b).clock()).isEqualTo(chora(a).clock());

      exec(b, V2); // b's migration, one autocommit statement each

      assertThat(rows(b, NOTES)).isEqualTo(rows(a, NOTES));
      assertThat(rows(b, TAGS)).containsExactly("1|1|home");
      assertThat(chora(b).heldAside()).isEmpty();

      // later writes win by the usual rules, both ways
      exec(a, "UPDATE note SET body = 'milk' WHERE id = 1");
      exec(b, "UPDATE tag SET name = 'errands' WHERE id = 1");
      chora(a).syncWith(chora(b));
      assertThat(rows(b, NOTES)).isEqualTo(rows(a, NOTES)).contains("1|groceries|milk");
      assertThat(rows(a, TAGS)).isEqualTo(rows(b, TAGS)).containsExactly("1|1|errands");
      assertThat(chora(a).conflicts()).isEmpty();
      assertThat(chora(b).conflicts()).isEmpty();
    }
  }

  @Test
  void aReplicaThatIsBehindRelaysTheNewerColumnsAndTablesIntact() throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", false);
        Connection c = replica("c", true)) {
      exec(
          a,
          "INSERT INTO note VALUES (1, 'groceries', 'milk')",
          "INSERT INTO tag VALUES (7, 1, 'x')");
      exec(a, "UPDATE note SET body = 'milk, eggs' WHERE id = 1");
      exec(a, "DELETE FROM tag WHERE id = 7", "INSERT INTO tag VALUES (8, 1, 'home')");
      chora(a).syncWith(chora(b));
      exec(b, "UPDATE note SET title = 'shopping' WHERE id = 1");

      chora(b).syncWith(chora(c)); // c never meets a

      assertThat(rows(c, NOTES)).containsExactly("1|shopping|milk, eggs");
      assertThat(rows(c, TAGS)).containsExactly("8|1|home");
      chora(a).syncWith(chora(c));
      assertThat(rows(a, NOTES)).isEqualTo(rows(c, NOTES));
      assertThat(rows(a, TAGS)).isEqualTo(rows(c, TAGS));
      assertThat(chora(c).conflicts()).isEmpty();

      // by exported file as well: a set written by b carries what b keeps aside
      try (Connection d = replica("d", true)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chora(b).changesSince(new io.chora.sync.VectorClock(), out);
        chora(d).apply(new ByteArrayInputStream(out.toByteArray()));
        assertThat(rows(d, NOTES)).isEqualTo(rows(c, NOTES));
        assertThat(rows(d, TAGS)).isEqualTo(rows(c, TAGS));
      }
    }
  }

  @Test
  void concurrentWritesOfAColumnAReplicaLackedMergeAsOnTheReplicasThatHadIt() throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", false);
        Connection c = replica("c", true)) {
      exec(a, "INSERT INTO note VALUES (1, 'groceries', '')");
      chora(a).syncWith(chora(c));
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE note SET body = 'from a' WHERE id = 1");
      exec(c, "UPDATE note SET body = 'from c' WHERE id = 1"); // concurrent: c wrote later
      chora(a).syncWith(chora(b));
      chora(c).syncWith(chora(b));
      // the insert's body and both updates of it
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 3L));

      exec(b, V2[0]);

      chora(a).syncWith(chora(c));
      assertThat(rows(a, NOTES)).isEqualTo(rows(c, NOTES));
      assertThat(rows(b, NOTES)).isEqualTo(rows(a, NOTES));
      assertThat(openConflicts(b)).isEqualTo(openConflicts(a)).isEqualTo(openConflicts(c));
      assertThat(openConflicts(b)).hasSize(1);
    }
  }

  private static List<String> openConflicts(Connection c) throws SQLException {
    return chora(c).conflicts().stream()
        .map(
            k -> k.table() + k.key() + "." + k.column() + " kept " + k.kept() + " lost " + k.lost())
        .sorted()
        .toList();
  }

  @Test
  void aMigrationInAJdbcTransactionFillsBeforeItCommitsAndARolledBackOneFillsNothing()
      throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", false)) {
      exec(
          a,
          "INSERT INTO note VALUES (1, 'groceries', 'milk')",
          "INSERT INTO tag VALUES (1, 1, 'home')");
      chora(a).syncWith(chora(b));

      b.setAutoCommit(false); // as Flyway runs a migration
      exec(b, V2);
      b.rollback();
      b.setAutoCommit(true);
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 1L), Map.entry("tag", 1L));

      b.setAutoCommit(false);
      exec(b, V2);
      exec(b, "INSERT INTO tag VALUES (2, 1, 'seed')"); // a migration's own rows stay its own
      b.commit();
      b.setAutoCommit(true);

      assertThat(rows(b, NOTES)).containsExactly("1|groceries|milk");
      assertThat(rows(b, TAGS)).containsExactly("1|1|home", "2|1|seed");
      assertThat(chora(b).heldAside()).isEmpty();
      chora(a).syncWith(chora(b));
      assertThat(rows(a, TAGS)).isEqualTo(rows(b, TAGS));
    }
  }

  @Test
  void aMigrationRunByAnotherProgramIsFilledAtTheNextOpen() throws Exception {
    try (Connection a = replica("a", true)) {
      try (Connection b = replica("b", false)) {
        exec(a, "INSERT INTO note VALUES (1, 'groceries', 'milk')");
        chora(a).syncWith(chora(b));
      }
      try (Connection plain = Db.sqlite(dir, "b.db")) {
        exec(plain, V2[0]); // the sqlite3 shell, say
      }
      try (Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
        assertThat(rows(b, NOTES)).containsExactly("1|groceries|milk");
        assertThat(chora(b).heldAside()).isEmpty();
      }
    }
  }

  @Test
  void writesOfAColumnThisReplicaDroppedAreAbsorbedAndKeptAside() throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", true)) {
      exec(a, "INSERT INTO note VALUES (1, 'groceries', 'milk')");
      chora(a).syncWith(chora(b));
      exec(a, "ALTER TABLE note DROP COLUMN body"); // a's v3
      exec(b, "UPDATE note SET body = 'eggs', title = 'shopping' WHERE id = 1"); // b still on v2

      chora(b).syncWith(chora(a));

      assertThat(rows(a, "SELECT id, title FROM note")).containsExactly("1|shopping");
      assertThat(chora(a).heldAside()).containsExactly(Map.entry("note", 1L));
      assertThat(chora(a).clock()).isEqualTo(chora(b).clock());
    }
  }

  @Test
  void aColumnWhoseNameHoldsACommaIsKeptAndFilledWhole() throws Exception {
    try (Connection a = replica("a", false);
        Connection b = replica("b", false)) {
      exec(a, "ALTER TABLE note ADD COLUMN \"x,y\" TEXT", "ALTER TABLE note ADD COLUMN x TEXT");
      exec(a, "INSERT INTO note VALUES (1, 't', 'both', 'one')");
      chora(a).syncWith(chora(b));
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 2L));

      exec(b, "ALTER TABLE note ADD COLUMN x TEXT");
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 1L));
      exec(b, "ALTER TABLE note ADD COLUMN \"x,y\" TEXT");

      String query = "SELECT id, title, \"x,y\", x FROM note";
      assertThat(rows(b, query)).isEqualTo(rows(a, query)).containsExactly("1|t|both|one");
      assertThat(chora(b).heldAside()).isEmpty();
    }
  }

  /** A new CHECK the kept values break: the migration fails by name and changes nothing. */
  @Test
  void aMigrationThatCannotTakeWhatIsKeptIsRefusedWhole() throws Exception {
    try (Connection a = replica("a", true);
        Connection b = replica("b", false)) {
      exec(a, "INSERT INTO note VALUES (1, 'groceries', 'forbidden')");
      chora(a).syncWith(chora(b));
      String strict = "ALTER TABLE note ADD COLUMN body TEXT CHECK (body <> 'forbidden')";
      String schema = rows(b, "SELECT sql FROM sqlite_schema WHERE name = 'note'").get(0);

      assertThatThrownBy(() -> exec(b, strict)) // autocommit
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("could not take the 1 change(s) kept")
          .hasMessageContaining("CHECK constraint failed");
      assertThat(rows(b, "SELECT sql FROM sqlite_schema WHERE name = 'note'"))
          .containsExactly(schema);
      assertThat(b.getAutoCommit()).isTrue();

      b.setAutoCommit(false); // in a JDBC transaction: the commit fails, the transaction stays
      exec(b, strict);
      assertThatThrownBy(b::commit).hasMessageContaining("could not take the 1 change(s) kept");
      b.rollback();
      b.setAutoCommit(true);
      assertThat(rows(b, "SELECT sql FROM sqlite_schema WHERE name = 'note'"))
          .containsExactly(schema);
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 1L));

      exec(b, V2[0]); // the migration fixed: the value goes in
      assertThat(rows(b, NOTES)).containsExactly("1|groceries|forbidden");
    }
  }

  /**
   * A new UNIQUE index over kept values that clash: the fill runs the UNIQUE rule, as a merge does
   * on the replicas ahead; the older claim keeps the value, the other row is in b's ledger.
   */
  @Test
  void aNewUniqueIndexOverKeptValuesThatClashKeepsTheOlderClaim() throws Exception {
    String[] v3 = {
      "ALTER TABLE note ADD COLUMN code TEXT", "CREATE UNIQUE INDEX note_code ON note(code)"
    };
    try (Connection a = replica("a", false);
        Connection b = replica("b", false);
        Connection c = replica("c", false)) {
      exec(a, v3);
      exec(c, v3);
      exec(a, "INSERT INTO note VALUES (1, 'first', 'X')");
      exec(c, "INSERT INTO note VALUES (2, 'second', 'X')"); // concurrent, and later
      chora(b).apply(chora(a).changesSince(chora(b).clock())); // only b holds both claims
      chora(b).apply(chora(c).changesSince(chora(b).clock()));
      assertThat(rows(b, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("1|first", "2|second");

      b.setAutoCommit(false);
      exec(b, v3);
      b.commit();
      b.setAutoCommit(true);

      String query = "SELECT id, title, code FROM note ORDER BY id";
      assertThat(rows(b, query)).containsExactly("1|first|X");
      assertThat(openConflicts(b)).containsExactly("note[2].UNIQUE(code) kept X lost X");
      assertThat(chora(b).heldAside()).isEmpty();
      chora(b).syncWith(chora(a));
      chora(b).syncWith(chora(c));
      assertThat(rows(a, query)).isEqualTo(rows(b, query)).isEqualTo(rows(c, query));
    }
  }

  /**
   * A column renamed through the driver: the older replica's writes under the old name land in the
   * renamed column, the renamed replica's writes reach the older one under the old name too (and
   * are kept aside under the new one until it renames), and concurrent writes across the rename
   * merge as if the column had always had one name.
   */
  @Test
  void writesUnderARenamedColumnsOldNameLandInTheRenamedColumn() throws Exception {
    String rename = "ALTER TABLE note RENAME COLUMN title TO heading";
    String headings = "SELECT id, heading FROM note ORDER BY id";
    try (Connection a = replica("a", false);
        Connection b = replica("b", false);
        Connection c = replica("c", false)) {
      exec(a, "INSERT INTO note VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      chora(a).syncWith(chora(b));
      chora(a).syncWith(chora(c));
      exec(a, rename); // a's v2
      exec(b, "UPDATE note SET title = 'two, by b' WHERE id = 2"); // b still on v1
      exec(b, "UPDATE note SET title = 'three, by b' WHERE id = 3");
      Thread.sleep(2); // a later millisecond: the HLC orders by it before the site
      exec(a, "UPDATE note SET heading = 'three, by a' WHERE id = 3"); // concurrent, and later
      exec(a, "INSERT INTO note VALUES (4, 'four')");

      chora(b).syncWith(chora(a));
      chora(c).syncWith(chora(b)); // c, on v1 too, meets a only through b

      assertThat(rows(a, headings))
          .containsExactly("1|one", "2|two, by b", "3|three, by a", "4|four");
      assertThat(chora(a).heldAside()).isEmpty();
      // a sends its writes of heading under title too: b, on v1, shows them
      assertThat(rows(b, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("1|one", "2|two, by b", "3|three, by a", "4|four");
      assertThat(rows(c, "SELECT id, title FROM note ORDER BY id"))
          .isEqualTo(rows(b, "SELECT id, title FROM note ORDER BY id"));
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 2L));

      exec(b, rename);
      exec(c, rename);
      chora(c).syncWith(chora(a));
      assertThat(rows(b, headings)).isEqualTo(rows(a, headings)).isEqualTo(rows(c, headings));
      assertThat(openConflicts(b)).isEqualTo(openConflicts(a)).isEqualTo(openConflicts(c));
      assertThat(openConflicts(a))
          .containsExactly("note[3].heading kept three, by a lost three, by b");

      // a new column under the old name would take the older replicas' writes: refused
      String before = rows(a, "SELECT sql FROM sqlite_schema WHERE name = 'note'").get(0);
      assertThatThrownBy(() -> exec(a, "ALTER TABLE note ADD COLUMN title TEXT"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("note.title was renamed to heading")
          .hasMessageContaining("choose another name");
      assertThat(rows(a, "SELECT sql FROM sqlite_schema WHERE name = 'note'"))
          .containsExactly(before);
      exec(a, "ALTER TABLE note RENAME COLUMN heading TO title"); // renaming back is fine
      exec(b, "UPDATE note SET heading = 'one, by b' WHERE id = 1");
      chora(b).syncWith(chora(a));
      assertThat(rows(a, "SELECT id, title FROM note ORDER BY id"))
          .first()
          .isEqualTo("1|one, by b");
    }
  }

  /** A table renamed: the same as a column, by table. */
  @Test
  void writesUnderARenamedTablesOldNameLandInTheRenamedTable() throws Exception {
    String rename = "ALTER TABLE note RENAME TO memo";
    String memos = "SELECT id, title FROM memo ORDER BY id";
    try (Connection a = replica("a", false);
        Connection b = replica("b", false)) {
      exec(a, "INSERT INTO note VALUES (1, 'one'), (2, 'two')");
      chora(a).syncWith(chora(b));
      exec(a, rename);
      exec(
          b,
          "UPDATE note SET title = 'one, by b' WHERE id = 1",
          "INSERT INTO note VALUES (3, 'b')");
      exec(a, "UPDATE memo SET title = 'two, by a' WHERE id = 2");

      chora(b).syncWith(chora(a));

      assertThat(rows(a, memos)).containsExactly("1|one, by b", "2|two, by a", "3|b");
      assertThat(rows(b, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("1|one, by b", "2|two", "3|b");
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("memo", 1L));

      exec(b, rename);
      assertThat(rows(b, memos)).isEqualTo(rows(a, memos));
      assertThat(chora(b).heldAside()).isEmpty();

      // SQLite's usual way to change a table: a new one, copied, renamed over the old one; the
      // next migration may use the same temporary name again
      for (int round = 0; round < 2; round++) {
        b.setAutoCommit(false);
        exec(
            b,
            "CREATE TABLE memo_new(id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '')",
            "INSERT INTO memo_new SELECT id, coalesce(title, '') FROM memo",
            "DROP TABLE memo",
            "ALTER TABLE memo_new RENAME TO memo");
        b.commit();
        b.setAutoCommit(true);
      }
      chora(b).syncWith(chora(a));
      assertThat(rows(a, memos)).isEqualTo(rows(b, memos)).hasSize(3);
    }
  }

  /**
   * A primary key changed: a key of the old shape cannot be placed, so the set is refused whole.
   */
  @Test
  void aSetKeyedByAnOldPrimaryKeyIsRefusedByNameWithTheReceiverUnchanged() throws Exception {
    try (Connection a = replica("a", false);
        Connection b = replica("b", false)) {
      exec(a, "INSERT INTO note VALUES (1, 'one')");
      chora(a).syncWith(chora(b));
      b.setAutoCommit(false); // b's v2: the key becomes (id, title)
      exec(
          b,
          "CREATE TABLE note_new(id INTEGER NOT NULL, title TEXT NOT NULL, PRIMARY KEY (id, title))",
          "INSERT INTO note_new SELECT id, title FROM note",
          "DROP TABLE note",
          "ALTER TABLE note_new RENAME TO note");
      b.commit();
      b.setAutoCommit(true);
      exec(a, "UPDATE note SET title = 'uno' WHERE id = 1"); // a still on v1
      String before = sha256(dir.resolve("b.db"));

      assertThatThrownBy(() -> chora(b).apply(chora(a).changesSince(chora(b).clock())))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("note")
          .hasMessageContaining("has 1 part(s)");
      assertThat(sha256(dir.resolve("b.db"))).isEqualTo(before);
    }
  }

  @Test
  void namesNoUserTableCouldHaveHereAreRefusedWithTheFileUnchanged() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a")) {
      exec(
          a,
          "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)",
          "INSERT INTO note VALUES (1, 't')");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      chora(a).changesSince(new io.chora.sync.VectorClock(), out);
      String set = out.toString(StandardCharsets.UTF_8);
      try (Connection b = replica("b", false)) {
        Path file = dir.resolve("b.db");
        for (String[] bad :
            new String[][] {
              {"\"table\":\"note\"", "\"table\":\"chora_log\"", "a name SQLite or chora keep"},
              {
                "\"table\":\"note\"", "\"table\":\"sqlite_sequence\"", "a name SQLite or chora keep"
              },
              {"\"title\":\"t\"", "\"rowid\":5", "SQLite takes for the rowid"},
              {"\"title\":\"t\"", "\"_ROWID_\":5", "SQLite takes for the rowid"},
              {"\"title\":\"t\"", "\"\":5", "empty, longer than"},
            }) {
          String before = sha256(file);
          String edited = set.replace(bad[0], bad[1]);
          assertThat(edited).as(bad[1]).isNotEqualTo(set);
          assertThatThrownBy(
                  () ->
                      chora(b)
                          .apply(new ByteArrayInputStream(edited.getBytes(StandardCharsets.UTF_8))))
              .as(bad[1])
              .isInstanceOf(SQLException.class)
              .hasMessageContaining(bad[2]);
          assertThat(sha256(file)).as(bad[1]).isEqualTo(before);
        }
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
