package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change sets streamed out of the log and into a replica one transaction at a time are the same
 * sets as the in-memory ones. (The size that needs streaming is shown by {@code StreamBench}: a
 * million changes under {@code -Xmx64m}.)
 */
class StreamingTest {
  @TempDir Path dir;

  private Connection replica(String site) throws Exception {
    Connection conn = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(conn, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n REAL, b BLOB)");
    return conn;
  }

  @Test
  void aStreamedSetIsTheInMemorySetAndAppliesTheSame() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO t VALUES (1, 'one', 1.5, x'00ff'), (2, 'two', NULL, NULL)");
      exec(b, "INSERT INTO t VALUES (3, 'three', 3, NULL)");
      Db.of(a).syncWith(Db.of(b));
      exec(b, "UPDATE t SET v = 'uno' WHERE id = 1", "DELETE FROM t WHERE id = 2");

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int written = Db.of(b).changesSince(Db.of(c).clock(), out);
      ChangeSet inMemory = Db.of(b).changesSince(Db.of(c).clock());
      assertThat(written).isEqualTo(inMemory.transactions().size()).isEqualTo(4);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(inMemory.toJson());

      ApplyResult applied = Db.of(c).apply(new ByteArrayInputStream(out.toByteArray()));
      assertThat(applied.applied()).isEqualTo(4);
      assertThat(rows(c, "SELECT * FROM t ORDER BY id"))
          .isEqualTo(rows(b, "SELECT * FROM t ORDER BY id"))
          .hasSize(2);
      assertThat(Db.of(c).clock()).isEqualTo(Db.of(b).clock());

      ByteArrayOutputStream nothing = new ByteArrayOutputStream();
      assertThat(Db.of(b).changesSince(Db.of(c).clock(), nothing)).isZero();
      assertThat(Db.of(c).apply(new ByteArrayInputStream(nothing.toByteArray())).applied())
          .isZero();
    }
  }
}
