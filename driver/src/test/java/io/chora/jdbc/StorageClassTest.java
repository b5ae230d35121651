package io.chora.jdbc;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.testing.SyncMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A write that changes only a value's storage class (INTEGER 1 to REAL 1.0, possible in a column
 * without affinity) is a change: SQL compares the two as equal, but an application reads an Integer
 * on one side and a Double on the other, and a key part changes its identity. Replicas must end
 * with the same classes.
 */
class StorageClassTest {
  @TempDir Path dir;

  private static final String[] SCHEMA = {
    "CREATE TABLE val(id INTEGER PRIMARY KEY NOT NULL, x)",
    "CREATE TABLE pair(a NOT NULL, b NOT NULL, v TEXT, PRIMARY KEY (a, b))"
  };

  private static final String VALUES = "SELECT id, typeof(x), quote(x) FROM val ORDER BY id";

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aValuesChangeOfStorageClassAloneSyncs(SyncMode mode) throws Exception {
    try (Connection a = mode.open(dir, "a");
        Connection b = mode.open(dir, "b")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      exec(a, "INSERT INTO val VALUES (1, 1), (2, 2.0), (3, 3)");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      exec(a, "UPDATE val SET x = 1.0 WHERE id = 1"); // 1 -> 1.0
      exec(a, "UPDATE val SET x = 2 WHERE id = 2"); // 2.0 -> 2
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      assertThat(rows(a, VALUES))
          .containsExactly("1|real|1.0", "2|integer|2", "3|integer|3")
          .isEqualTo(rows(b, VALUES));
      assertThat(SyncMode.chora(b).clock()).isEqualTo(SyncMode.chora(a).clock());
    }
  }

  /** Java mode: a key part's change of class is a key change, which syncs as delete and insert. */
  @Test
  void aKeyPartsChangeOfStorageClassAloneSyncs() throws Exception {
    try (Connection a = SyncMode.JAVA.open(dir, "a");
        Connection b = SyncMode.JAVA.open(dir, "b")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      exec(a, "INSERT INTO pair VALUES (1, 'k', 'v')");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      exec(a, "UPDATE pair SET a = 1.0");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      String keys = "SELECT typeof(a), quote(a), b, v FROM pair";
      assertThat(rows(a, keys)).containsExactly("real|1.0|k|v").isEqualTo(rows(b, keys));
    }
  }

  /**
   * Native mode refuses key changes (cr-sqlite 0.16 does not sync them, docs/native-mode.md), and a
   * change of a key part's class alone is one: cr-sqlite takes 1 and 1.0 as one key, so it would
   * stay on this replica only.
   */
  @Test
  void nativeModeRefusesAKeyPartsChangeOfStorageClassAlone() throws Exception {
    try (Connection a = SyncMode.CRSQLITE.open(dir, "a")) {
      exec(a, SCHEMA);
      exec(a, "INSERT INTO pair VALUES (1, 'k', 'v')");
      assertThatThrownBy(() -> exec(a, "UPDATE pair SET a = 1.0"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("cannot change its primary key");
      assertThat(rows(a, "SELECT typeof(a), a FROM pair")).containsExactly("integer|1");
    }
  }

  /**
   * A file whose triggers an older driver made (before storage-class changes counted) gets them
   * rebuilt at its first open by this one, though its schema did not change since.
   */
  @Test
  void triggersOfAnOlderFormAreRebuiltAtOpen() throws Exception {
    try (Connection a = SyncMode.JAVA.open(dir, "a")) {
      exec(a, SCHEMA);
    }
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"));
        Statement st = plain.createStatement()) {
      String name = "";
      String sql = "";
      try (ResultSet rs =
          st.executeQuery(
              "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'val'"
                  + " AND name LIKE '%\\_upd' ESCAPE '\\'")) {
        assertThat(rs.next()).isTrue();
        name = rs.getString(1);
        sql = rs.getString(2);
      }
      String older =
          sql.replaceAll(" OR typeof\\(OLD\\.[^)]*\\) IS NOT typeof\\(NEW\\.[^)]*\\)", "");
      assertThat(older).isNotEqualTo(sql).doesNotContain("typeof(OLD");
      st.execute("DROP TRIGGER \"" + name + "\"");
      st.execute(older);
      long version;
      try (ResultSet rs = st.executeQuery("PRAGMA schema_version")) {
        rs.next();
        version = rs.getLong(1);
      }
      // the stamp an older driver wrote: the schema version alone
      st.execute("UPDATE chora_meta SET value = '" + version + "' WHERE key = 'schema_version'");
    }
    try (Connection ro = SyncMode.JAVA.open(dir, "a", "open_mode=1")) {
      // a read-only open (chora status) cannot rebuild them, and need not to answer
      assertThat(SyncMode.chora(ro).siteId()).isEqualTo("a");
    }
    try (Connection a = SyncMode.JAVA.open(dir, "a");
        Connection b = SyncMode.JAVA.open(dir, "b")) {
      exec(b, SCHEMA);
      exec(a, "INSERT INTO val VALUES (1, 1)");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      exec(a, "UPDATE val SET x = 1.0");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      assertThat(rows(b, VALUES)).containsExactly("1|real|1.0");
    }
  }
}
