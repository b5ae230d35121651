package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora compact}: removes the updates later writes made untellable, and a replica that syncs
 * from the compacted file afterwards gets the same rows; a plain SQLite file is refused unchanged.
 */
class CompactCommandTest {
  @TempDir Path dir;

  @Test
  void compactRemovesSupersededUpdatesAndTheReplicaStillSyncs() throws Exception {
    Path laptop = dir.resolve("laptop.db");
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + laptop + "?chora.site=laptop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE setting(name TEXT PRIMARY KEY, value TEXT)");
      st.execute("INSERT INTO setting VALUES ('theme', 'v0')");
      for (int i = 1; i <= 20; i++) {
        st.execute("UPDATE setting SET value = 'v" + i + "' WHERE name = 'theme'");
      }
    }
    Run compact = chora("compact", laptop.toString());
    assertThat(compact.exit()).as(compact.toString()).isZero();
    assertThat(compact.out())
        .containsPattern("removed (\\d+) rows of sync bookkeeping from ")
        .contains("compact " + laptop + " --vacuum");
    assertThat(compact.out()).doesNotContain("removed 0 rows");
    Run again = chora("compact", laptop.toString(), "--vacuum", "--json");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out()).contains("\"removed\" : 0").contains("\"vacuumed\" : true");

    Path phone = dir.resolve("phone.db");
    try (Connection p = DriverManager.getConnection("jdbc:chora:" + phone + "?chora.site=phone");
        Connection l = DriverManager.getConnection("jdbc:chora:" + laptop)) {
      p.createStatement().execute("CREATE TABLE setting(name TEXT PRIMARY KEY, value TEXT)");
      p.unwrap(ChoraConnection.class).syncWith(l.unwrap(ChoraConnection.class));
      try (ResultSet rs = p.createStatement().executeQuery("SELECT value FROM setting")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("v20");
      }
    }
  }

  @Test
  void aPlainSqliteFileIsRefusedAndLeftAsItIs() throws Exception {
    Path plain = dir.resolve("plain.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
    }
    byte[] before = Files.readAllBytes(plain);
    Run run = chora("compact", plain.toString());
    assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.NOT_A_REPLICA);
    assertThat(Files.readAllBytes(plain)).isEqualTo(before);
  }
}
