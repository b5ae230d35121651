package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Small cases of the merge contract, the same in both modes. */
class BothModesMergeTest {
  private static final String NOTE =
      "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT, n INTEGER)";

  @TempDir Path dir;

  private Connection replica(SyncMode mode, String name) throws SQLException {
    Connection c = mode.open(dir, name, "synchronous=OFF");
    exec(c, NOTE);
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void syncIsTransitive(SyncMode mode) throws SQLException {
    try (Connection a = replica(mode, "a");
        Connection b = replica(mode, "b");
        Connection c = replica(mode, "c")) {
      exec(a, "INSERT INTO note VALUES (1, 'from a', 1)");
      ChoraConnection ca = SyncMode.chora(a);
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      SyncMode.chora(b).syncWith(SyncMode.chora(c)); // c never meets a
      assertThat(rows(c, "SELECT * FROM note")).containsExactly("1|from a|1");
      assertThat(SyncMode.chora(c).clock().get(ca.siteId()))
          .as("c's clock covers a's commit")
          .isEqualTo(ca.clock().get(ca.siteId()));
      exec(c, "DELETE FROM note WHERE id = 1"); // and a delete travels back the same way
      SyncMode.chora(c).syncWith(SyncMode.chora(b));
      SyncMode.chora(b).syncWith(ca);
      assertThat(rows(a, "SELECT * FROM note")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void applyingASetAgainChangesNothing(SyncMode mode) throws Exception {
    try (Connection a = replica(mode, "a");
        Connection b = replica(mode, "b")) {
      exec(a, "INSERT INTO note VALUES (1, 'x', 1), (2, 'y', 2)", "DELETE FROM note WHERE id = 2");
      ChangeSet set = SyncMode.chora(a).changesSince(new VectorClock());
      ChoraConnection receiver = SyncMode.chora(b);
      assertThat(receiver.apply(set).applied()).isPositive();
      VectorClock clock = receiver.clock();
      assertThat(receiver.apply(set).applied()).isZero();
      byte[] json = set.toJson().getBytes(StandardCharsets.UTF_8);
      assertThat(receiver.apply(new ByteArrayInputStream(json)).applied()).isZero();
      assertThat(receiver.clock()).isEqualTo(clock);
      assertThat(rows(b, "SELECT * FROM note")).containsExactly("1|x|1");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aDeleteBeatsAConcurrentUpdateAndAReinsertBeatsTheDelete(SyncMode mode) throws SQLException {
    try (Connection a = replica(mode, "a");
        Connection b = replica(mode, "b")) {
      exec(a, "INSERT INTO note VALUES (1, 'x', 1), (2, 'y', 2)");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      exec(a, "DELETE FROM note WHERE id = 1", "UPDATE note SET n = 20 WHERE id = 2");
      exec(b, "UPDATE note SET title = 'stale' WHERE id = 1", "DELETE FROM note WHERE id = 2");
      exec(b, "INSERT INTO note VALUES (2, 'back', 3)");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      for (Connection c : new Connection[] {a, b}) {
        assertThat(rows(c, "SELECT * FROM note ORDER BY id")).containsExactly("2|back|3");
      }
      assertThat(SyncMode.chora(a).clock()).isEqualTo(SyncMode.chora(b).clock());
    }
  }
}
