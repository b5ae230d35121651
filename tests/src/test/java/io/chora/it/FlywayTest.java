package io.chora.it;

import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.ChoraDataSource;
import io.chora.jdbc.testing.Db;
import io.chora.sync.Change;
import io.chora.sync.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway 13 migrations ({@code src/test/resources/db/migration}: create a table, add a column,
 * create an index, seed a row) run through {@code jdbc:chora:}. Flyway's SQLite support is in
 * flyway-core; it finds the database by the connection's product name ("SQLite"), but picks a
 * driver by URL prefix, so it is handed a {@link ChoraDataSource} rather than the URL.
 */
class FlywayTest {
  /** Track the application's tables only: Flyway's history table is each replica's own. */
  private static final String TABLES = "&chora.tables=note";

  private static final String NOTES = "SELECT id, title, body FROM note ORDER BY id";
  private static final String HISTORY =
      "SELECT version, script, success FROM flyway_schema_history ORDER BY installed_rank";

  @TempDir Path dir;

  private String url(String site) {
    return "jdbc:chora:" + dir.resolve(site + ".db") + "?chora.site=" + site;
  }

  /** As docs/integrations.md shows it. */
  private static MigrateResult migrate(String url, String target) {
    return Flyway.configure()
        .dataSource(new ChoraDataSource(url))
        .locations("classpath:db/migration")
        // chora's own tables (chora_log, ...) make the schema look non-empty to Flyway: start
        // the history at version 0 so that V1 still runs
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(target)
        .load()
        .migrate();
  }

  private static Connection open(String url) throws SQLException {
    return DriverManager.getConnection(url);
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }

  private static List<String> tablesInChanges(Connection c) throws SQLException {
    return Db.changes(c).stream().map(Change::table).distinct().sorted().toList();
  }

  @Test
  void migratedTablesAreTrackedFromTheirFirstRowAndSync() throws SQLException {
    String laptopUrl = url("laptop") + TABLES;
    String phoneUrl = url("phone") + TABLES;
    assertThat(migrate(laptopUrl, "latest").migrationsExecuted).isEqualTo(4);
    assertThat(migrate(phoneUrl, "latest").migrationsExecuted).isEqualTo(4);
    try (Connection laptop = open(laptopUrl);
        Connection phone = open(phoneUrl)) {
      // V4's seed row is the first row of note, captured in V4's transaction
      assertThat(Db.transactions(laptop))
          .containsExactly(
              List.of(
                  "insert note['welcome'] {id='welcome', title='Welcome',"
                      + " body='Hello from Welcome'}"));
      Db.exec(laptop, "INSERT INTO note(id, title, body) VALUES ('n1', 'Groceries', 'milk')");
      Db.exec(phone, "INSERT INTO note(id, title) VALUES ('n2', 'Call')");
      Db.exec(phone, "UPDATE note SET body = 'phone edit' WHERE id = 'welcome'");
      assertThat(tablesInChanges(laptop)).containsExactly("note");
      assertThat(tablesInChanges(phone)).containsExactly("note");

      SyncResult result = chora(laptop).syncWith(chora(phone));

      assertThat(result.changesSent()).isPositive();
      assertThat(result.changesReceived()).isPositive();
      assertThat(rows(laptop, NOTES))
          .isEqualTo(rows(phone, NOTES))
          .containsExactly("n1|Groceries|milk", "n2|Call|", "welcome|Welcome|phone edit");
      assertThat(chora(laptop).clock()).isEqualTo(chora(phone).clock());
      // each replica keeps its own history, which never went over the wire
      assertThat(rows(laptop, HISTORY))
          .isEqualTo(rows(phone, HISTORY))
          .containsExactly(
              "0|<< Flyway Baseline >>|1",
              "1|V1__create.sql|1",
              "2|V2__add_column.sql|1",
              "3|V3__index.sql|1",
              "4|V4__data.sql|1");
      assertThat(tablesInChanges(laptop)).containsExactly("note");
      assertThat(Db.rows(laptop, "SELECT name FROM chora_tables")).containsExactly("note");
    }
    // Flyway on the synced replica: nothing to do, validation passes
    assertThat(migrate(laptopUrl, "latest").migrationsExecuted).isZero();
  }

  /**
   * Without {@code chora.tables} chora tracks every table with a primary key except the history of
   * migration tools: its rows would tell other replicas of migrations they never ran.
   */
  @Test
  void withoutChoraTablesTheHistoryTableStaysLocal() throws SQLException {
    migrate(url("laptop"), "latest");
    try (Connection laptop = open(url("laptop"))) {
      assertThat(tablesInChanges(laptop)).containsExactly("note");
      assertThat(Db.rows(laptop, "SELECT name FROM chora_tables ORDER BY name"))
          .containsExactly("note");
    }
  }

  /**
   * Replicas at different migration versions: the one behind takes every set, applies what its
   * schema has and keeps the rest aside (docs/schema-changes.md); its own Flyway migration later
   * moves the kept values into the new column, in the migration's transaction.
   */
  @Test
  void replicaBehindOnMigrationsKeepsWhatItLacksUntilItMigrates() throws SQLException {
    String laptopUrl = url("laptop") + TABLES;
    String phoneUrl = url("phone") + TABLES;
    migrate(laptopUrl, "latest"); // V1..V4: note has body
    migrate(phoneUrl, "1"); // V1 only: note(id, title)
    try (Connection laptop = open(laptopUrl);
        Connection phone = open(phoneUrl)) {
      Db.exec(laptop, "INSERT INTO note(id, title, body) VALUES ('n1', 'Groceries', 'milk')");
      Db.exec(phone, "INSERT INTO note(id, title) VALUES ('n2', 'Call')");

      chora(laptop).syncWith(chora(phone));

      assertThat(rows(phone, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("n1|Groceries", "n2|Call", "welcome|Welcome");
      assertThat(chora(phone).heldAside()).containsExactly(Map.entry("note", 2L));
      assertThat(chora(phone).clock()).isEqualTo(chora(laptop).clock());
      assertThat(rows(laptop, NOTES)).contains("n2|Call|");
    }
    assertThat(migrate(phoneUrl, "latest").migrationsExecuted).isEqualTo(3);
    try (Connection laptop = open(laptopUrl);
        Connection phone = open(phoneUrl)) {
      assertThat(chora(phone).heldAside()).isEmpty();
      assertThat(rows(phone, NOTES))
          .contains("n1|Groceries|milk", "welcome|Welcome|Hello from Welcome");
      chora(laptop).syncWith(chora(phone));
      assertThat(rows(laptop, NOTES))
          .isEqualTo(rows(phone, NOTES))
          .containsExactly(
              "n1|Groceries|milk", "n2|Call|Hello from Call", "welcome|Welcome|Hello from Welcome");
      assertThat(chora(laptop).clock()).isEqualTo(chora(phone).clock());
    }
  }

  /** Flyway chooses its driver by URL prefix and knows {@code jdbc:sqlite:}, not chora's. */
  @Test
  void flywayDoesNotTakeAChoraUrl() {
    assertThatThrownBy(
            () -> Flyway.configure().dataSource(url("laptop"), null, null).load().migrate())
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("No Flyway database plugin found to handle jdbc:chora:");
  }
}
