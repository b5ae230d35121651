package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora doctor} (and {@code status}) on a plain {@code cp} of a replica says it is a copy
 * that takes a new site id at its next writing open (it said "writes as 'laptop'", which the copy
 * never does), and looks only: the copy's bytes stay the same.
 */
class DoctorCopyTest {
  @TempDir Path dir;

  @Test
  void doctorTellsACopyFromTheReplicaAndLeavesItAsItIs() throws Exception {
    Path laptop = dir.resolve("laptop.db");
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + laptop + "?chora.site=laptop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      st.execute("INSERT INTO note VALUES (1, 'a')");
    }
    Path copy = Files.copy(laptop, dir.resolve("copy.db"));
    byte[] before = Files.readAllBytes(copy);

    Run original = chora("doctor", laptop.toString());
    assertThat(original.exit()).as(original.toString()).isZero();
    assertThat(original.out()).containsPattern("site +ok +writes as 'laptop'\n");

    Run doctor = chora("doctor", copy.toString());
    assertThat(doctor.exit()).as(doctor.toString()).isZero();
    assertThat(doctor.out())
        .containsPattern("site +ok +a copy of replica 'laptop' \\(copied, restored or moved")
        .contains("it takes a new site id at its next writing open, keeping all history")
        .doesNotContain("writes as 'laptop'");
    Run json = chora("doctor", copy.toString(), "--json");
    assertThat(json.out()).contains("\"found\" : \"a copy of replica 'laptop'");
    Run status = chora("status", copy.toString());
    assertThat(status.out())
        .containsPattern("replica +a copy of laptop \\(it takes a new site id at its next writing");
    assertThat(chora("status", copy.toString(), "--json").out()).contains("\"copy\" : true");
    assertThat(chora("status", laptop.toString()).out()).containsPattern("replica +laptop\n");
    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    assertThat(dir.resolve("copy.db-wal")).doesNotExist();

    // the next writing open does what doctor said
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + copy)) {
      String site = c.unwrap(io.chora.jdbc.ChoraConnection.class).siteId();
      assertThat(site).isNotEqualTo("laptop");
      assertThat(chora("doctor", copy.toString()).out()).contains("writes as '" + site + "'");
    }
  }
}
