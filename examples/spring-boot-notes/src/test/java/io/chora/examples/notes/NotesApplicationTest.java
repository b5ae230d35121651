package io.chora.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.spring.boot.ChoraSync;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The sample starts as its README runs it, and a note it writes syncs to a second replica. */
class NotesApplicationTest {
  @TempDir Path dir;

  @Test
  void aNoteWrittenHereReachesAPeerThroughTheSyncBean() throws Exception {
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(NotesApplication.class)
            .properties("NOTES_DB=" + dir.resolve("notes.db"), "PORT=0", "server.address=127.0.0.1")
            .run()) {
      NotesApplication notes = app.getBean(NotesApplication.class);
      notes.add("buy bread");
      assertThat(notes.sync(dir.resolve("phone.db").toString()).changesSent()).isEqualTo(1);
      assertThat(app.getBean(ChoraSync.class).siteId()).isEqualTo("laptop");
    }
    try (ConfigurableApplicationContext phone =
        new SpringApplicationBuilder(NotesApplication.class)
            .properties(
                "NOTES_DB=" + dir.resolve("phone.db"),
                "NOTES_SITE=phone",
                "PORT=0",
                "server.address=127.0.0.1")
            .run()) {
      assertThat(
              phone
                  .getBean(JdbcTemplate.class)
                  .queryForList("SELECT title FROM note", String.class))
          .containsExactly("buy bread");
    }
  }
}
