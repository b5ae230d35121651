package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two histories under one site id are refused loudly when they meet, and change nothing. */
class ForkTest {
  @TempDir Path dir;

  private String sha256(String name) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(name))));
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private static void note(Connection c, String id, String title) throws SQLException {
    exec(c, "CREATE TABLE IF NOT EXISTS note(id TEXT PRIMARY KEY, title TEXT)");
    exec(c, "INSERT INTO note VALUES ('" + id + "', '" + title + "')");
  }

  @Test
  void twoFilesOpenedWithOneSiteFromEmptyAreRefusedAtEqualClocks() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=x");
        Connection b = Db.chora(dir, "b.db", "chora.site=x")) {
      note(a, "1", "on a");
      note(b, "2", "on b");
      assertThat(chora(a).clock())
          .isEqualTo(chora(b).clock())
          .isEqualTo(VectorClock.parse("{x=1}"));
      String before = sha256("b.db");
      ChangeSet fromA = chora(a).changesSince(chora(b).clock());
      assertThat(fromA.isEmpty()).as("equal clocks: nothing to send but the heads").isTrue();
      assertThatThrownBy(() -> chora(b).apply(fromA))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("fork")
          .hasMessageContaining("x:1")
          .hasMessageContaining("docs/replicas.md");
      assertThatThrownBy(
              () -> chora(b).apply(new java.io.ByteArrayInputStream(fromA.toJson().getBytes())))
          .hasMessageContaining("fork");
      assertThatThrownBy(() -> chora(a).syncWith(chora(b)))
          .hasMessageContaining("fork")
          .hasMessageContaining("from x:1 on")
          .hasMessageContaining("chora repair-fork");
      assertThat(sha256("b.db")).isEqualTo(before);
    }
  }

  @Test
  void aCopyKeptUnderTheOriginalsSiteIsRefusedThroughAThirdReplica() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      note(a, "1", "before the copy");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
    try (Connection a = Db.chora(dir, "a.db");
        Connection c = Db.chora(dir, "c.db", "chora.site=hostA"); // vouches, wrongly, for a move
        Connection b = Db.chora(dir, "b.db", "chora.site=hostB")) {
      assertThat(chora(c).siteId()).isEqualTo("hostA");
      note(a, "2", "on the original");
      note(c, "3", "on the copy");
      exec(b, "CREATE TABLE note(id TEXT PRIMARY KEY, title TEXT)");
      chora(a).syncWith(chora(b));
      String before = sha256("c.db");
      String beforeB = sha256("b.db");
      assertThatThrownBy(() -> chora(c).syncWith(chora(b)))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("fork")
          .hasMessageContaining("hostA:2");
      assertThat(sha256("c.db")).as("the copy is unchanged").isEqualTo(before);
      assertThat(sha256("b.db")).as("the third replica is unchanged").isEqualTo(beforeB);
      assertThat(Db.rows(b, "SELECT id FROM note ORDER BY id")).containsExactly("1", "2");
    }
  }

  @Test
  void aReplicaThatWasNotForkedStillSyncsWithHeads() throws IOException, SQLException {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      note(a, "1", "one");
      note(b, "2", "two");
      chora(a).syncWith(chora(b));
      note(a, "3", "three");
      ChangeSet delta = chora(a).changesSince(chora(b).clock());
      assertThat(delta.heads()).containsKeys("a", "b");
      assertThat(chora(b).apply(delta).applied()).isEqualTo(1);
      assertThat(chora(a).changesSince(chora(b).clock()).isEmpty()).isTrue();
    }
  }
}
