package io.chora.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications that let Hibernate make the tables ({@code ddl-auto}) instead of Flyway. With {@code
 * update} Hibernate writes Ticket's IDENTITY key first and all is well. With {@code create}
 * Hibernate 7 orders the columns so that {@code priority integer} comes before the key, and its
 * SQLite DDL then leaves the key untyped: no rowid alias, so a row would be stored without its id
 * (tests/HibernateTest shows it on plain sqlite-jdbc), which chora refuses. Hibernate 6.6 types the
 * key; the legacy column order, key first, works on both.
 */
class HibernateDdlTest {
  @TempDir Path dir;

  private Replica hibernateMakesTheTables(String site, String ddlAuto, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("--spring.flyway.enabled=false", "--spring.jpa.hibernate.ddl-auto=" + ddlAuto));
    args.addAll(List.of(more));
    return Replica.start(dir, site, "", args.toArray(String[]::new));
  }

  @Test
  void ddlAutoUpdateKeepsIdentityKeysAcrossRestarts() throws Exception {
    Long id;
    try (Replica laptop = hibernateMakesTheTables("laptop", "update")) {
      assertThat(ticketTable(laptop)).startsWith("CREATE TABLE ticket (id integer, ");
      id = laptop.tickets().save(new Ticket("first", 1)).getId();
      assertThat(id).isGreaterThanOrEqualTo(1024); // from chora's key block
      laptop.notes().save(new Note("groceries", "milk"));
    }
    // update again: Hibernate finds its tables (not chora's) and leaves them as they are
    try (Replica laptop = hibernateMakesTheTables("laptop", "update")) {
      assertThat(laptop.tickets().findById(id)).get().hasToString(id + " first p1");
      assertThat(laptop.notes().count()).isEqualTo(1);
    }
  }

  @Test
  void ddlAutoCreateNeedsTheLegacyColumnOrderOnHibernate7() throws Exception {
    try (Replica laptop = hibernateMakesTheTables("laptop", "create")) {
      if (Version.getVersionString().startsWith("6.")) {
        assertThat(ticketTable(laptop)).contains("priority integer not null, id integer, ");
        assertThat(laptop.tickets().save(new Ticket("typed", 1)).getId()).isGreaterThan(1024);
      } else {
        assertThat(ticketTable(laptop)).contains("priority integer not null, id, ");
        assertThatThrownBy(() -> laptop.tickets().save(new Ticket("untyped", 1)))
            .hasStackTraceContaining("a row of ticket needs a primary key value to be synced");
      }
    }
    try (Replica phone =
        hibernateMakesTheTables(
            "phone",
            "create",
            "--spring.jpa.properties.hibernate.column_ordering_strategy=legacy")) {
      assertThat(ticketTable(phone)).startsWith("CREATE TABLE ticket (id integer, ");
      Ticket ticket = phone.tickets().save(new Ticket("key first", 1));
      assertThat(phone.tickets().findById(ticket.getId())).get().hasToString("" + ticket);
    }
  }

  private static String ticketTable(Replica replica) throws SQLException {
    try (Connection c = replica.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_schema WHERE name = 'ticket'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
