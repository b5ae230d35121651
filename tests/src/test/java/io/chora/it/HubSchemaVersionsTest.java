package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling schema upgrades through the hub (docs/schema-changes.md): a device still on v1 keeps
 * taking every transaction live, holds what it lacks aside, keeps sending its own writes, and takes
 * the v2 values in when it migrates; a device that joins later on v2 gets everything.
 */
class HubSchemaVersionsTest {
  private static final String[] V2 = {
    "ALTER TABLE note ADD COLUMN body TEXT NOT NULL DEFAULT ''",
    "CREATE TABLE tag(id INTEGER PRIMARY KEY, note INTEGER, name TEXT)"
  };
  private static final String NOTES = "SELECT id, title, body FROM note ORDER BY id";
  private static final String TAGS = "SELECT * FROM tag ORDER BY id";

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
  void aDeviceBehindKeepsSyncingLiveAndTakesTheNewValuesInWhenItMigrates() throws Exception {
    Connection laptop = hubs.replica("laptop");
    exec(laptop, V2);
    Connection phone = hubs.replica("phone"); // still v1
    await("both are connected", () -> Db.of(phone).hubStatus().connected());

    exec(
        laptop,
        "INSERT INTO note VALUES (1, 'groceries', 'milk')",
        "INSERT INTO tag VALUES (1, 1, 'home')");
    await(
        "the phone shows the title",
        () -> rows(phone, "SELECT title FROM note").contains("groceries"));
    // the two inserts are two transactions, which may travel in two envelopes
    await("the phone keeps the tag aside", () -> Db.of(phone).heldAside().containsKey("tag"));
    assertThat(Db.of(phone).heldAside())
        .containsExactly(Map.entry("note", 1L), Map.entry("tag", 1L));

    exec(
        phone,
        "INSERT INTO note VALUES (2, 'call mum')",
        "UPDATE note SET title = 'shopping' WHERE id = 1");
    await(
        "the laptop takes the phone's writes",
        () -> rows(laptop, NOTES).equals(java.util.List.of("1|shopping|milk", "2|call mum|")));
    exec(laptop, "UPDATE note SET body = 'milk, eggs' WHERE id = 1");
    await(
        "the phone has nothing pending and holds the edit aside",
        () ->
            Db.of(phone).hubStatus().pendingTransactions() == 0
                && Db.of(phone).clock().equals(Db.of(laptop).clock()));

    exec(phone, V2); // the phone's app updates
    assertThat(Db.of(phone).heldAside()).isEmpty();
    assertThat(rows(phone, NOTES)).isEqualTo(rows(laptop, NOTES)).contains("1|shopping|milk, eggs");
    assertThat(rows(phone, TAGS)).isEqualTo(rows(laptop, TAGS));

    Connection tablet = hubs.replica("tablet"); // joins later, on v2
    exec(tablet, V2);
    await("the tablet catches up", () -> rows(tablet, NOTES).equals(rows(laptop, NOTES)));
    await("the tablet has the tags", () -> rows(tablet, TAGS).equals(rows(laptop, TAGS)));
    assertThat(Db.of(tablet).heldAside()).isEmpty();
  }
}
