package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas that sync both ways, in any order, end with the same rows. */
class MergeTest {
  private static final String SCHEMA = "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, n)";

  @TempDir Path dir;
  Connection a;
  Connection b;
  Connection c;

  @BeforeEach
  void open() throws SQLException {
    a = replica("a");
    b = replica("b");
    c = replica("c");
  }

  private Connection replica(String site) throws SQLException {
    Connection conn = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(conn, SCHEMA);
    return conn;
  }

  @AfterEach
  void close() throws SQLException {
    a.close();
    b.close();
    c.close();
  }

  static List<String> rows(Connection conn) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, title, n FROM note ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getObject(3));
      }
    }
    return rows;
  }

  static SyncResult sync(Connection x, Connection y) throws SQLException {
    return Db.of(x).syncWith(Db.of(y));
  }

  @Test
  void disjointWritesMeetAndASecondSyncMovesNothing() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'from a', 1)");
    exec(b, "INSERT INTO note VALUES (2, 'from b', 2)", "INSERT INTO note VALUES (3, 'b too', 3)");
    SyncResult first = sync(a, b);
    assertThat(first.changesSent()).isEqualTo(1);
    assertThat(first.changesReceived()).isEqualTo(2);
    assertThat(rows(a)).isEqualTo(rows(b)).hasSize(3);
    assertThat(sync(a, b)).isEqualTo(new SyncResult(0, 0));
    assertThat(Db.of(a).clock()).isEqualTo(Db.of(b).clock());
    assertThat(seq(a)).isEqualTo(1); // applied changes are not local commits
  }

  @Test
  void changesTravelOnThroughAThirdReplica() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'from a', 1)");
    sync(a, b);
    sync(b, c);
    assertThat(rows(c)).containsExactly("1|from a|1");
    assertThat(Db.of(c).clock().get("a")).isEqualTo(1);
    assertThat(sync(a, c)).isEqualTo(new SyncResult(0, 0));
  }

  @Test
  void applyingTwiceChangesNothing() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'x', 1)", "UPDATE note SET n = 2 WHERE id = 1");
    ChangeSet set = Db.of(a).changesSince(new VectorClock());
    ApplyResult first = Db.of(b).apply(set);
    ApplyResult again = Db.of(b).apply(ChangeSet.fromJson(set.toJson()));
    assertThat(first.applied()).isEqualTo(2);
    assertThat(again.applied()).isZero();
    assertThat(again.skipped()).isEqualTo(2);
    assertThat(rows(b)).containsExactly("1|x|2");
  }

  @Test
  void concurrentEditsOfOneCellResolveAlikeAndTheLoserIsKept() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'draft', 0)");
    sync(a, b);
    exec(a, "UPDATE note SET title = 'title by a' WHERE id = 1");
    exec(b, "UPDATE note SET title = 'title by b', n = 5 WHERE id = 1");
    sync(a, b);
    assertThat(rows(a)).isEqualTo(rows(b));
    List<Conflict> onA = Db.of(a).conflicts();
    List<Conflict> onB = Db.of(b).conflicts();
    assertThat(onA).hasSize(1);
    assertThat(onB).hasSize(1);
    Conflict conflict = onA.get(0);
    assertThat(conflict.column()).isEqualTo("title");
    assertThat(conflict.kept()).isEqualTo(onB.get(0).kept());
    assertThat(conflict.lost()).isEqualTo(onB.get(0).lost());
    assertThat(List.of(conflict.kept(), conflict.lost()))
        .containsExactlyInAnyOrder("title by a", "title by b");
    assertThat(rows(a).get(0)).contains("|5"); // n was written only by b: no conflict there

    Db.of(a).restoreConflict(conflict.id());
    assertThat(Db.of(a).conflicts()).isEmpty();
    assertThatThrownBy(() -> Db.of(a).dismissConflict(conflict.id()))
        .hasMessageContaining("conflict " + conflict.id() + " is already restored");
    assertThatThrownBy(() -> Db.of(a).restoreConflict(conflict.id()))
        .hasMessageContaining("is already restored");
    sync(a, b);
    assertThat(rows(a)).isEqualTo(rows(b));
    assertThat(rows(b).get(0)).contains((String) conflict.lost());
  }

  @Test
  void aCausallyLaterOverwriteIsNotAConflict() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'v1', 0)");
    sync(a, b);
    exec(b, "UPDATE note SET title = 'v2' WHERE id = 1");
    sync(a, b);
    exec(a, "UPDATE note SET title = 'v3' WHERE id = 1");
    sync(a, b);
    assertThat(rows(b)).containsExactly("1|v3|0");
    assertThat(Db.of(a).conflicts()).isEmpty();
    assertThat(Db.of(b).conflicts()).isEmpty();
  }

  @Test
  void aDeleteBeatsConcurrentUpdatesAndAReinsertBeatsTheDelete() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'x', 0)");
    sync(a, b);
    exec(a, "DELETE FROM note WHERE id = 1");
    exec(b, "UPDATE note SET title = 'edited later' WHERE id = 1");
    sync(b, a);
    assertThat(rows(a)).isEmpty();
    assertThat(rows(b)).isEmpty();
    exec(b, "INSERT INTO note VALUES (1, 'back again', 7)");
    sync(a, b);
    assertThat(rows(a)).containsExactly("1|back again|7");
    assertThat(rows(a)).isEqualTo(rows(b));
  }

  @Test
  void syncOrderDoesNotMatter() throws SQLException {
    exec(a, "INSERT INTO note VALUES (1, 'a', 1)");
    exec(b, "INSERT INTO note VALUES (1, 'b', 2)");
    exec(c, "INSERT INTO note VALUES (2, 'c', 3)");
    sync(a, b);
    sync(c, b);
    sync(a, c);
    sync(b, c);
    sync(a, b);
    assertThat(rows(a)).isEqualTo(rows(b)).isEqualTo(rows(c)).hasSize(2);
    ChoraConnection ca = Db.of(a);
    assertThat(ca.clock()).isEqualTo(Db.of(b).clock()).isEqualTo(Db.of(c).clock());
  }
}
