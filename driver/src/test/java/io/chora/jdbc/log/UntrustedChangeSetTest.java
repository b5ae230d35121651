package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change set on the wire is untrusted input: every malformed or forged one is refused with an
 * SQLException that names the problem, and the receiving database stays byte-for-byte as it was.
 * The Java-object side of the same contract is {@link UntrustedChangeSetObjectsTest}.
 */
class UntrustedChangeSetTest {
  @TempDir Path dir;
  Replicas replicas;

  @BeforeEach
  void open() throws Exception {
    replicas = new Replicas(dir);
  }

  @AfterEach
  void close() throws SQLException {
    replicas.close();
  }

  @Test
  void theUnmutatedWireSetApplies() throws Exception {
    Replicas.Snapshot before = replicas.snapshot();
    ApplyResult result = replicas.receiver().apply(wire(replicas.json));
    assertThat(result.applied()).isEqualTo(5);
    replicas.assertReceiverHasTheValidSet();
    Replicas.Snapshot after = replicas.snapshot();
    assertThat(after.dump()).isNotEqualTo(before.dump()); // the snapshot sees a real apply
    assertThat(after.file()).isNotEqualTo(before.file());
  }

  static Stream<Arguments> badWireSets() {
    String longSite = "s".repeat(65);
    return Stream.of(
        bad("not JSON at all", j -> "please apply my changes", "'please' is not a JSON value"),
        bad("empty input", j -> "", "found end of input"),
        bad(
            "malformed JSON: missing colon",
            j -> edit(j, "\"kind\":", "\"kind\" "),
            "expecting a colon"),
        bad(
            "malformed JSON: unquoted name",
            j -> edit(j, ",\"cl\":", ",cl:"),
            "expecting double-quote"),
        bad("truncated halfway", j -> j.substring(0, j.length() / 2), "cut short at line 1"),
        bad("truncated before the end", j -> j.substring(0, j.length() - 2), "cut short at line 1"),
        bad("trailing content", j -> j + "{}", "trailing content after the change set"),
        bad("unknown format version", j -> edit(j, "\"version\":3", "\"version\":4"), "version 4"),
        bad(
            "version as text",
            j -> edit(j, "\"version\":3", "\"version\":\"3\""),
            "'version' must be an integer"),
        bad(
            "wrong format name",
            j -> edit(j, "\"chora.changeset\"", "\"chora.snapshot\""),
            "not a chora change set (format is chora.snapshot)"),
        bad(
            "unknown header field",
            j -> edit(j, "\"site\":\"a\",\"clock\"", "\"site\":\"a\",\"zip\":\"no\",\"clock\""),
            "unknown field 'zip'"),
        bad(
            "empty sender site",
            j -> edit(j, "\"site\":\"a\",\"clock\"", "\"site\":\"\",\"clock\""),
            "the header's 'site' is empty"),
        bad(
            "sender site with a space",
            j -> edit(j, "\"site\":\"a\",\"clock\"", "\"site\":\"a b\",\"clock\""),
            "sender site id"),
        bad(
            "header clock site with a comma",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{\"a\":6,\"x,y\":1}"),
            "x,y"),
        bad(
            "empty transaction site",
            j -> edit(j, SEQ_2, "\"site\":\"\",\"seq\":2"),
            "a dot needs a site id"),
        bad(
            "transaction site too long",
            j -> edit(j, SEQ_2, "\"site\":\"" + longSite + "\",\"seq\":2"),
            "transaction site id"),
        bad(
            "dependency site with '='",
            j -> edit(j, "\"deps\":{\"a\":1}", "\"deps\":{\"a\":1,\"c=d\":1}"),
            "deps site id"),
        bad("seq 0", j -> edit(j, SEQ_2, "\"site\":\"a\",\"seq\":0"), "seq starts at 1"),
        bad("negative dependency", j -> edit(j, "{\"a\":1}", "{\"a\":-1}"), "negative counter"),
        bad("depends on itself", j -> edit(j, "{\"a\":1}", "{\"a\":2}"), "depend on itself"),
        bad("negative hlc", j -> j.replaceFirst("\"hlc\":\\d+", "\"hlc\":-1"), "hlc"),
        bad(
            "unknown transaction field",
            j -> edit(j, SEQ_2 + ",", SEQ_2 + ",\"priority\":1,"),
            "unknown transaction field 'priority'"),
        bad(
            "insert with an even causal length",
            j -> edit(j, "\"insert\",\"cl\":1", "\"insert\",\"cl\":2"),
            "causal length 2 does not fit a insert"),
        bad(
            "delete with an odd causal length",
            j -> edit(j, "\"delete\",\"cl\":2", "\"delete\",\"cl\":3"),
            "causal length 3 does not fit a delete"),
        bad(
            "causal length 0",
            j -> edit(j, "\"insert\",\"cl\":1", "\"insert\",\"cl\":0"),
            "causal length 0"),
        bad(
            "delete with values",
            j -> edit(j, "\"delete\",\"cl\":2,", "\"delete\",\"cl\":2,\"values\":{\"n\":1},"),
            "a delete carries no values"),
        bad(
            "unknown change kind",
            j -> edit(j, "\"kind\":\"insert\"", "\"kind\":\"upsert\""),
            "unknown change kind: upsert"),
        bad(
            "column twice",
            j -> edit(j, "\"title\":\"second\"", "\"title\":\"second\",\"title\":\"2nd\""),
            "Duplicate field 'title'"),
        bad("empty key", j -> edit(j, "\"key\":[2]", "\"key\":[]"), "needs a primary key"),
        bad("NULL key", j -> edit(j, "\"key\":[2]", "\"key\":[null]"), "NULL for id"),
        bad(
            "integer beyond 64 bits",
            j -> edit(j, "\"n\":2}", "\"n\":18446744073709551616}"),
            "64-bit range"),
        bad("blob not base64", j -> edit(j, "\"AP8=\"", "\"not base64!\""), "not valid base64"),
        bad(
            "unknown value type",
            j -> edit(j, "{\"blob\":\"AP8=\"}", "{\"date\":\"2024-01-01\"}"),
            "unknown value type 'date'"),
        bad(
            "NaN into a STRICT INTEGER column",
            j -> edit(j, "\"i\":42", "\"i\":{\"real\":\"NaN\"}"),
            "column i is INTEGER but the change carries Double"),
        bad(
            "column name crafted as SQL injection, so the insert lacks a NOT NULL column",
            j -> edit(j, "\"title\":\"second\"", "\"title\\\" = 'x', \\\"n\":\"second\""),
            "NOT NULL constraint failed: note.title"),
        bad(
            "halfway: a later transaction breaks a CHECK constraint",
            j -> edit(j, "\"first, edited\"", "\"forbidden\""),
            "CHECK constraint failed"));
  }

  static Stream<Arguments> wireSetsWritingWhatTheReceiverLacks() {
    return Stream.of(
        bad(
            "table name crafted as SQL injection",
            j -> edit(j, "\"table\":\"note\"", "\"table\":\"x\\\"; DROP TABLE note; --\""),
            "x\"; DROP TABLE note; --"),
        bad(
            "halfway: the last transaction names an unknown table",
            j -> edit(j, "\"note\",\"key\":[9]", "\"gone\",\"key\":[9]"),
            "gone"));
  }

  /**
   * A set written by a replica on a newer schema: applied whole, with what this receiver has no
   * table or column for kept aside (see SchemaVersionsTest), and no name ever reaching SQL.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("wireSetsWritingWhatTheReceiverLacks")
  void aWireSetWritingWhatTheReceiverLacksIsTakenWithTheRestKeptAside(
      String name, UnaryOperator<String> mutation, String table) throws Exception {
    String newer = mutation.apply(replicas.json);
    assertThat(newer).as("the mutation changed the set").isNotEqualTo(replicas.json);
    replicas.assertKeptAside(name, () -> replicas.receiver().apply(wire(newer)), table);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badWireSets")
  void aBadWireSetIsRefusedAndChangesNothing(
      String name, UnaryOperator<String> mutation, String problem) throws Exception {
    String bad = mutation.apply(replicas.json);
    assertThat(bad).as("the mutation changed the set").isNotEqualTo(replicas.json);
    replicas.assertRefused(name, () -> replicas.receiver().apply(wire(bad)), problem);
  }

  private static final String SEQ_2 = "\"site\":\"a\",\"seq\":2";

  private static Arguments bad(String name, UnaryOperator<String> mutation, String problem) {
    return Arguments.of(name, mutation, problem);
  }

  /** {@code json} with the first {@code from} replaced; fails when {@code from} is not there. */
  static String edit(String json, String from, String to) {
    int at = json.indexOf(from);
    assertThat(at).as("mutation target %s in %s", from, json).isNotNegative();
    return json.substring(0, at) + to + json.substring(at + from.length());
  }

  static ByteArrayInputStream wire(String json) {
    return new ByteArrayInputStream(json.getBytes(UTF_8));
  }

  /** An action that should be refused. */
  interface Apply {
    Object run() throws Exception;
  }

  /**
   * A sender 'a' and a receiver 'b' that already holds a:1 and its own commit b:1, opened with
   * {@code chora.maxValueBytes=100} and tracking only note, typed and pair. {@link #valid} is what
   * 'a' really sends 'b' next: a:2 insert note 2, a:3 insert typed 1, a:4 insert pair (k, 7), a:5
   * update note 1, a:6 delete note 9.
   */
  static final class Replicas implements AutoCloseable {
    static final String[] SCHEMA = {
      "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT NOT NULL"
          + " CHECK (title <> 'forbidden'), n)",
      "CREATE TABLE typed(id INTEGER PRIMARY KEY, i INTEGER, t TEXT, b BLOB, r REAL) STRICT",
      "CREATE TABLE pair(x TEXT NOT NULL, y INTEGER NOT NULL, v TEXT, PRIMARY KEY (x, y))",
      "CREATE TABLE local_only(id INTEGER PRIMARY KEY, v TEXT)",
      "CREATE TABLE nokey(v TEXT)"
    };

    final Path file;
    final Connection a;
    final Connection b;
    final ChangeSet valid;
    final String json;

    Replicas(Path dir) throws SQLException {
      a = Db.chora(dir, "a.db", "chora.site=a");
      b =
          Db.chora(
              dir,
              "b.db",
              "journal_mode=DELETE&chora.site=b&chora.maxValueBytes=100&chora.tables=note,typed,pair");
      file = dir.resolve("b.db");
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      exec(b, "INSERT INTO note VALUES (100, 'own', 0)");
      exec(a, "INSERT INTO note VALUES (1, 'first', 1), (9, 'nine', 9)");
      receiver().apply(Db.of(a).changesSince(receiver().clock()));
      exec(
          a,
          "INSERT INTO note VALUES (2, 'second', 2)",
          "INSERT INTO typed VALUES (1, 42, 'text', x'00ff', 1.5)",
          "INSERT INTO pair VALUES ('k', 7, 'v')",
          "UPDATE note SET title = 'first, edited', n = 10 WHERE id = 1",
          "DELETE FROM note WHERE id = 9");
      valid = Db.of(a).changesSince(receiver().clock());
      json = valid.toJson();
      assertThat(valid.transactions()).hasSize(5);
      assertThat(receiver().clock().entries()).containsOnlyKeys("a", "b");
    }

    ChoraConnection receiver() throws SQLException {
      return Db.of(b);
    }

    /**
     * Runs {@code apply}, expects an SQLException naming {@code problem}, then checks that the
     * receiver is unchanged, down to its file's bytes, and still takes the valid set.
     */
    void assertRefused(String name, Apply apply, String problem) throws Exception {
      Snapshot before = snapshot();
      Object[] returned = {null};
      Throwable thrown = catchThrowable(() -> returned[0] = apply.run());
      assertThat(thrown)
          .as("%s: refused with an SQLException, but apply returned %s", name, returned[0])
          .isInstanceOf(SQLException.class)
          .hasMessageContaining(problem);
      Snapshot after = snapshot();
      assertThat(after.dump()).as("%s: logical dump of b.db", name).isEqualTo(before.dump());
      assertThat(Db.difference(before.file(), after.file()))
          .as("%s: bytes of b.db", name)
          .isEqualTo("none");
      assertThat(after.sidecars())
          .as("%s: journal files of b.db", name)
          .isEqualTo(before.sidecars());
      assertThat(b.getAutoCommit()).isTrue();
      assertThat(receiver().apply(valid).applied()).as("the valid set after refusal").isEqualTo(5);
      assertReceiverHasTheValidSet();
    }

    /**
     * Runs {@code apply}, expects it to take all five transactions and to hold something aside for
     * {@code table}, with the user's tables and the sqlite schema still intact.
     */
    void assertKeptAside(String name, Apply apply, String table) throws Exception {
      Object result = apply.run();
      assertThat(((io.chora.sync.ApplyResult) result).applied()).as(name).isEqualTo(5);
      assertThat(receiver().heldAside()).as("%s: held aside", name).containsKey(table);
      assertThat(Db.rows(b, "SELECT name FROM sqlite_schema WHERE name IN ('note','typed','pair')"))
          .as("%s: the user's tables", name)
          .hasSize(3);
      assertThat(Db.typedRows(b, "typed"))
          .containsExactly("integer:1|integer:42|text:text|blob:00ff|real:1.5");
    }

    void assertReceiverHasTheValidSet() throws SQLException {
      assertThat(Db.typedRows(b, "note"))
          .containsExactly(
              "integer:1|text:first, edited|integer:10",
              "integer:2|text:second|integer:2",
              "integer:100|text:own|integer:0");
      assertThat(Db.typedRows(b, "typed"))
          .containsExactly("integer:1|integer:42|text:text|blob:00ff|real:1.5");
      assertThat(Db.typedRows(b, "pair")).containsExactly("text:k|integer:7|text:v");
    }

    /** The database as far as it can be seen: a logical dump and the main file's bytes. */
    record Snapshot(List<String> dump, byte[] file, List<String> sidecars) {}

    Snapshot snapshot() throws Exception {
      List<String> dump = new ArrayList<>();
      try (Connection plain = Db.sqlite(file.getParent(), file.getFileName().toString())) {
        exec(plain, "PRAGMA wal_checkpoint(TRUNCATE)");
        List<String> tables = new ArrayList<>();
        try (Statement st = plain.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT type = 'table', name, type || ' ' || name || ' on ' || tbl_name"
                        + " || ' page ' || rootpage || ': ' || ifnull(sql, '')"
                        + " FROM sqlite_schema ORDER BY type, name")) {
          while (rs.next()) {
            dump.add("schema " + rs.getString(3));
            if (rs.getBoolean(1)) {
              tables.add(rs.getString(2));
            }
          }
        }
        for (String table : tables) {
          for (String row : Db.typedRows(plain, table)) {
            dump.add(table + " " + row);
          }
        }
        dump.add("user_version " + Db.scalar(plain, "PRAGMA user_version"));
      }
      List<String> sidecars = new ArrayList<>();
      for (String suffix : List.of("-journal", "-wal")) {
        Path side = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(side)) {
          sidecars.add(suffix + " " + Files.size(side));
        }
      }
      return new Snapshot(dump, Files.readAllBytes(file), sidecars);
    }

    @Override
    public void close() throws SQLException {
      try (a) {
        b.close();
      }
    }
  }
}
