package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.ChangeSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A sender 'a' and a receiver 'b' in one {@link SyncMode}, for the bad-input contract both modes
 * keep ({@link BothModesUntrustedSetTest}): b holds a's first commit and one of its own, takes
 * values of at most 100 bytes and syncs only note, typed and pair. {@link #valid} is what a really
 * sends b next: insert note 2, insert typed 1 (STRICT), insert pair (k, 7), update note 1, delete
 * note 9. The schema is what cr-sqlite accepts (key columns NOT NULL, no UNIQUE, no foreign key).
 */
final class ModePair implements AutoCloseable {
  static final String[] SCHEMA = {
    "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT NOT NULL DEFAULT ''"
        + " CHECK (title <> 'forbidden'), n)",
    "CREATE TABLE typed(id INTEGER PRIMARY KEY NOT NULL, i INTEGER, t TEXT, b BLOB, r REAL)"
        + " STRICT",
    "CREATE TABLE pair(x TEXT NOT NULL, y INTEGER NOT NULL, v TEXT, PRIMARY KEY (x, y))",
    "CREATE TABLE local_only(id INTEGER PRIMARY KEY NOT NULL, v TEXT)"
  };

  /** An action that should be refused. */
  interface Apply {
    Object run() throws Exception;
  }

  final SyncMode mode;
  final Path file;
  final Connection a;
  final Connection b;
  final ChangeSet valid;

  ModePair(SyncMode mode, Path dir) throws SQLException {
    this(mode, dir, "", "");
  }

  /** With more options for a ({@code aOptions}) and b, such as chora.sign: {@code k=v&k=v}. */
  ModePair(SyncMode mode, Path dir, String aOptions, String bOptions) throws SQLException {
    this.mode = mode;
    a = mode.open(dir, "a", "journal_mode=MEMORY", "synchronous=OFF" + and(aOptions));
    b =
        mode.open(
            dir,
            "b",
            "journal_mode=DELETE",
            "synchronous=OFF",
            "chora.maxValueBytes=100",
            "chora.tables=note,typed,pair" + and(bOptions));
    file = dir.resolve("b.db");
    exec(a, SCHEMA);
    exec(b, SCHEMA);
    exec(b, "INSERT INTO note VALUES (100, 'own', 0)");
    exec(a, "INSERT INTO note VALUES (1, 'first', 1), (9, 'nine', 9)");
    receiver().apply(sender().changesSince(receiver().clock()));
    exec(
        a,
        "INSERT INTO note VALUES (2, 'second', 2)",
        "INSERT INTO typed VALUES (1, 42, 'text', x'00ff', 1.5)",
        "INSERT INTO pair VALUES ('k', 7, 'v')",
        "UPDATE note SET title = 'first, edited', n = 10 WHERE id = 1",
        "DELETE FROM note WHERE id = 9");
    valid = sender().changesSince(receiver().clock());
    assertThat(valid.transactions()).hasSize(5);
  }

  private static String and(String options) {
    return options.isEmpty() ? "" : "&" + options;
  }

  ChoraConnection sender() throws SQLException {
    return SyncMode.chora(a);
  }

  ChoraConnection receiver() throws SQLException {
    return SyncMode.chora(b);
  }

  /**
   * Runs {@code apply}, expects an SQLException naming {@code problem}, then checks that b is
   * unchanged, down to its file's bytes, and still takes the valid set.
   */
  void assertRefused(String name, Apply apply, String problem) throws Exception {
    List<String> dump = dump();
    byte[] bytes = Files.readAllBytes(file);
    Object[] returned = {null};
    Throwable thrown = catchThrowable(() -> returned[0] = apply.run());
    assertThat(thrown)
        .as("%s (%s): refused with an SQLException, but apply returned %s", name, mode, returned[0])
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(problem);
    assertThat(dump()).as("%s (%s): logical dump of b.db", name, mode).isEqualTo(dump);
    assertThat(Db.difference(bytes, Files.readAllBytes(file)))
        .as("%s (%s): bytes of b.db", name, mode)
        .isEqualTo("none");
    assertThat(Files.exists(file.resolveSibling("b.db-journal"))).as("a journal left").isFalse();
    assertThat(b.getAutoCommit()).isTrue();
    assertThat(receiver().apply(valid).applied()).as("the valid set after refusal").isEqualTo(5);
    assertReceiverHasTheValidSet();
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

  /** Every table of b.db, chora's and cr-sqlite's too, read through a plain connection. */
  private List<String> dump() throws SQLException {
    List<String> dump = new ArrayList<>();
    try (Connection plain = Db.sqlite(file.getParent(), file.getFileName().toString())) {
      List<String> tables = new ArrayList<>();
      try (Statement st = plain.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT type = 'table', name, type || ' ' || name || ': ' || ifnull(sql, '')"
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
    }
    return dump;
  }

  @Override
  public void close() throws SQLException {
    try (a) {
      b.close();
    }
  }
}
