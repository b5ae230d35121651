package io.chora.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.chora.sync.VectorClock;
import jakarta.persistence.EntityManagerFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.hibernate.Version;
import org.hibernate.community.dialect.SQLiteDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;

/**
 * Spring Boot with Spring Data JPA, HikariCP, Hibernate and Flyway on {@code jdbc:chora:} with
 * application.properties alone (boot3-it runs it on Boot 3.5 and Hibernate 6.6, boot4-it on Boot
 * 4.0 and Hibernate 7.2): the pieces are the ones Boot picks by itself, and every write the
 * repositories make is captured, one dot per transaction.
 */
class BootCrudTest {
  @TempDir Path dir;

  /** The versions the module's pom names, so that a BOM mix-up cannot pass unseen. */
  @Test
  void theApplicationRunsOnTheBootAndHibernateOfItsModule() {
    assertThat(SpringBootVersion.getVersion()).isEqualTo(expected("expected.spring-boot"));
    assertThat(Version.getVersionString()).startsWith(expected("expected.hibernate"));
  }

  private static String expected(String property) {
    return Objects.requireNonNull(System.getProperty(property), property + ", set by the pom");
  }

  @Test
  void bootPicksHikariFlywayAndTheSqliteDialectOnAChoraUrl() {
    try (Replica laptop = Replica.start(dir, "laptop")) {
      assertThat(laptop.dataSource())
          .isInstanceOfSatisfying(
              HikariDataSource.class,
              pool -> assertThat(pool.getJdbcUrl()).startsWith("jdbc:chora:"));
      // no spring.jpa.database-platform: Hibernate resolves the community dialect from "SQLite"
      assertThat(
              laptop
                  .context
                  .getBean(EntityManagerFactory.class)
                  .unwrap(SessionFactoryImplementor.class)
                  .getJdbcServices()
                  .getDialect())
          .isInstanceOf(SQLiteDialect.class);
      Flyway flyway = laptop.context.getBean(Flyway.class);
      assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("2");
      assertThat(flyway.info().applied()).hasSize(3); // the baseline at 0, then V1 and V2
    }
  }

  @Test
  void repositoriesWriteIdentityAndUuidEntitiesAndEveryTransactionIsCaptured() throws Exception {
    try (Replica laptop = Replica.start(dir, "laptop")) {
      Ticket ticket = laptop.tickets().save(new Ticket("first", 1));
      Note note = laptop.notes().save(new Note("groceries", "milk"));
      // the IDENTITY key comes from this replica's key block, never from block 0 (docs/keys.md)
      assertThat(ticket.getId()).isGreaterThanOrEqualTo(1024);
      assertThat(note.getId()).isNotNull();

      ticket.setTitle("first, edited");
      laptop.tickets().save(ticket);
      note.setBody("milk, eggs");
      note.setPinned(true);
      laptop.notes().save(note);
      Ticket other = laptop.tickets().save(new Ticket("second", 2));
      laptop.tickets().delete(other);

      assertThat(laptop.tickets().findById(ticket.getId()))
          .get()
          .hasToString(ticket.getId() + " first, edited p1");
      assertThat(laptop.tickets().findById(other.getId())).isEmpty();
      assertThat(laptop.notes().findAll())
          .singleElement()
          .hasToString(note.getId() + " groceries / milk, eggs (pinned)");
      // six write transactions, six dots; the reads and Flyway's migrations wrote no rows
      VectorClock clock = laptop.chora(c -> c.clock());
      assertThat(clock).isEqualTo(VectorClock.of(Map.of("laptop", 6L)));
    }
  }
}
