package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica opened read-only ({@code open_mode=1}) answers what looking needs (clock, change sets,
 * conflicts, peers, history, log size, tables) without writing a byte of the file, and its change
 * sets are the ones a read-write connection makes.
 */
class ReadOnlyTest {
  @TempDir Path dir;

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void aReadOnlyConnectionReadsChangeSetsWithoutWritingTheFile() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      exec(b, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      exec(a, "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
      Db.of(a).syncWith(Db.of(b)); // folds a's log into its merge state
      // not folded yet: the set's causal lengths and cell versions come from folding these
      exec(a, "DELETE FROM t WHERE id = 1", "INSERT INTO t VALUES (1, 'again')");
      exec(a, "UPDATE t SET v = 'deux' WHERE id = 2");
    }
    Path file = dir.resolve("a.db");
    String before = sha256(file);
    ChangeSet fromReadOnly;
    String streamed;
    VectorClock b = VectorClock.parse("{a=1, b=0}");
    try (Connection ro = Db.chora(dir, "a.db", "open_mode=1")) {
      ChoraConnection chora = Db.of(ro);
      assertThat(ro.isReadOnly()).isTrue();
      assertThat(chora.siteId()).isEqualTo("a");
      assertThat(chora.clock()).isEqualTo(VectorClock.parse("{a=4}"));
      assertThat(chora.trackedTables()).containsExactly("t");
      assertThat(chora.logSize()).isEqualTo(5);
      assertThat(chora.conflicts()).isEmpty();
      assertThat(chora.peerClocks()).containsOnlyKeys("b");
      assertThat(chora.syncHistory(10)).hasSize(1);
      fromReadOnly = chora.changesSince(new VectorClock());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(chora.changesSince(b, out)).isEqualTo(3);
      streamed = out.toString(StandardCharsets.UTF_8);
      // inside the application's own read transaction too
      ro.setAutoCommit(false);
      assertThat(chora.changesSince(b).transactions()).hasSize(3);
      ro.rollback();
      assertThatThrownBy(() -> exec(ro, "INSERT INTO t VALUES (3, 'three')"))
          .hasMessageContaining("readonly");
    }
    assertThat(sha256(file)).isEqualTo(before);
    try (Connection rw = Db.chora(dir, "a.db")) {
      assertThat(fromReadOnly.toJson())
          .isEqualTo(Db.of(rw).changesSince(new VectorClock()).toJson());
      assertThat(streamed).isEqualTo(Db.of(rw).changesSince(b).toJson());
    }
  }

  @Test
  void rowsAnotherProgramLoggedWaitForAWritingOpen() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a")) {
      exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'one')");
    }
    try (Connection ro = Db.chora(dir, "a.db", "open_mode=1")) {
      try (Connection other = Db.sqlite(dir, "a.db")) { // the triggers log it; no commit marker
        exec(other, "INSERT INTO t VALUES (2, 'by another program')");
      }
      String before = sha256(dir.resolve("a.db"));
      assertThat(Db.of(ro).changesSince(new VectorClock()).transactions()).hasSize(1);
      assertThat(Db.of(ro).clock()).isEqualTo(VectorClock.parse("{a=1}"));
      assertThat(sha256(dir.resolve("a.db"))).isEqualTo(before);
    }
    try (Connection rw = Db.chora(dir, "a.db")) {
      assertThat(Db.of(rw).changesSince(new VectorClock()).transactions()).hasSize(2);
    }
  }
}
