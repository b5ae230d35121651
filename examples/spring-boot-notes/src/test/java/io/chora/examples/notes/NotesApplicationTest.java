package io.chora.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.spring.boot.ChoraSync;
import java.nio.charset.StandardCharsets;
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
      // as the README's curl -H 'Content-Type: text/plain' -d 'buy bread' does it
      String port = app.getEnvironment().getProperty("local.server.port");
      var http = java.net.http.HttpClient.newHttpClient();
      java.util.List<String> answers = new java.util.ArrayList<>();
      for (String title : java.util.List.of("buy bread", "call mum")) {
        var answer =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/notes"))
                    .header("Content-Type", "text/plain")
                    .header(
                        "Authorization",
                        "Basic "
                            + java.util.Base64.getEncoder()
                                .encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(title))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        answers.add(answer.body());
      }
      JdbcTemplate db = app.getBean(JdbcTemplate.class);
      for (String title : java.util.List.of("buy bread", "call mum")) { // each id names its note
        long id = db.queryForObject("SELECT id FROM note WHERE title = ?", Long.class, title);
        assertThat(answers).contains("{\"id\":" + id + "}");
      }
      assertThat(notes.sync(dir.resolve("phone.db").toString()).changesSent()).isEqualTo(2);
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
          .containsExactlyInAnyOrder("buy bread", "call mum");
    }
  }
}
