package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import io.chora.jdbc.ChoraConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora conflicts} shows a row conflict (two rows created under one key on two replicas) by
 * its lost row's values: the table said {@code KEPT null / LOST null} for it, hiding from a person
 * what {@code --restore} would bring back.
 */
class ConflictsTableTest {
  @TempDir Path dir;

  private Connection replica(String site) throws Exception {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:" + dir.resolve(site + ".db") + "?chora.site=" + site);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    }
    return c;
  }

  @Test
  void aRowThatGaveWayUnderItsKeyIsListedWithItsValues() throws Exception {
    try (Connection a = replica("a");
        Connection z = replica("z")) {
      try (Statement st = a.createStatement()) {
        st.execute("INSERT INTO t VALUES (1, 'x')");
      }
      try (Statement st = z.createStatement()) {
        st.execute("INSERT INTO t VALUES (1, 'zzz')");
      }
      a.unwrap(ChoraConnection.class).syncWith(z.unwrap(ChoraConnection.class));
    }
    Run run = chora("conflicts", dir.resolve("a.db").toString());
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("same_key")
        .contains("the row now there (")
        .containsPattern("\\{id=1, v='(x|zzz)'\\} \\(")
        .doesNotContain("null");
  }
}
