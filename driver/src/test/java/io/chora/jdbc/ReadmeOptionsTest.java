package io.chora.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every option the driver accepts has its row in the README's options table. */
class ReadmeOptionsTest {
  @Test
  void everyKnownOptionIsInTheReadmeTable() throws Exception {
    Throwable refused =
        catchThrowable(() -> DriverManager.getConnection("jdbc:chora::memory:?chora.nope=1"));
    String message = refused.getMessage();
    String listed = message.substring(message.indexOf("known options are ") + 18);
    List<String> known = List.of(listed.split(", "));
    assertThat(known).contains("chora.site", "chora.maxValueBytes", "chora.counters");
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String option : known) {
      assertThat(readme).as(option).contains("\n| `" + option.strip() + "` | ");
    }
  }
}
