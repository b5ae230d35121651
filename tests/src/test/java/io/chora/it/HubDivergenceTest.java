package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas syncing through the hub tell a digest of their tables with their clock; one that holds
 * the same clock compares, so rows that differ at equal clocks are reported, not taken for
 * convergence (docs/merge-rules.md#divergence).
 */
class HubDivergenceTest {
  @TempDir Path dir;
  private HubFixture hubs;

  @BeforeEach
  void startHub() throws Exception {
    hubs = new HubFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    hubs.close();
  }

  @Test
  void replicasInStepReportNothing() throws Exception {
    Connection a = hubs.replica("a");
    Connection b = hubs.replica("b");
    for (int i = 1; i <= 20; i++) {
      exec(i % 2 == 0 ? a : b, "INSERT INTO note VALUES (" + i + ", 'note " + i + "')");
    }
    await("both hold every row", () -> rows(a, "SELECT id FROM note").size() == 20);
    await("at one clock", () -> chora(a).clock().equals(chora(b).clock()) && sameRows(a, b));
    Thread.sleep(600); // clocks and digests told meanwhile
    assertThat(chora(a).divergences()).isEmpty();
    assertThat(chora(b).divergences()).isEmpty();
    assertThat(String.valueOf(chora(a).hubStatus().lastError())) // a refused push may be there
        .doesNotContain("hold equal clocks");
  }

  @Test
  void rowsThatDifferAtEqualClocksAreReported() throws Exception {
    Connection a = hubs.replica("a");
    Connection b = hubs.replica("b");
    exec(a, "INSERT INTO note VALUES (1, 'same on both')");
    await("b has it", () -> sameRows(a, b) && rows(b, "SELECT id FROM note").size() == 1);

    // a tool writes to b's file with chora's update trigger out of the way: nothing records it
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("b.db"))) {
      for (String t :
          rows(
              plain,
              "SELECT name FROM sqlite_schema WHERE type='trigger' AND name LIKE 'chora_%_upd'")) {
        exec(plain, "DROP TRIGGER \"" + t + "\"");
      }
      exec(plain, "PRAGMA busy_timeout = 10000");
      exec(plain, "UPDATE note SET title = 'changed behind chora' WHERE id = 1");
    }
    exec(a, "INSERT INTO note VALUES (2, 'moves both clocks')");

    for (Connection c : List.of(a, b)) {
      await("a divergence is on record", () -> !chora(c).divergences().isEmpty());
    }
    assertThat(chora(a).divergences().get("b")).startsWith("different note.title at equal clocks");
    assertThat(chora(b).divergences().get("a")).startsWith("different note.title at equal clocks");
    await( // recorded in the file first, then said in the status
        "a's status names it",
        () -> String.valueOf(chora(a).hubStatus().lastError()).contains("hold equal clocks"));
    assertThat(chora(a).hubStatus().lastError()).contains("note.title");
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }
}
