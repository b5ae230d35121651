package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site id given with {@code --site} that is none is a usage error naming {@code --site} and what
 * a site id is, before any file is made (it used to be the driver's message, exit 1).
 */
class SiteOptionTest {
  @TempDir Path dir;

  @Test
  void cloneAndRepairForkRefuseASiteIdThatIsNoneAndMakeNoFile() throws Exception {
    Path source = dir.resolve("laptop.db");
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + source + "?chora.site=laptop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      st.execute("INSERT INTO note VALUES (1, 'a')");
    }
    byte[] before = Files.readAllBytes(source);
    Path target = dir.resolve("clone.db");

    Run clone = chora("clone", source.toString(), target.toString(), "--site", "bad site");
    assertThat(clone.exit()).as(clone.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(clone.err())
        .startsWith("chora clone: Invalid value for option '--site': 'bad site' is not a site id:")
        .contains("1-64 characters of letters, digits, '.', '_', ':' or '-'")
        .contains("Usage: chora clone");
    assertThat(target).doesNotExist();
    assertThat(Files.readAllBytes(source)).isEqualTo(before);

    Run fork =
        chora("repair-fork", source.toString(), "--against", target.toString(), "--site", "a/b");
    assertThat(fork.exit()).as(fork.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(fork.err()).contains("'--site': 'a/b' is not a site id");
    assertThat(Files.readAllBytes(source)).isEqualTo(before);
  }
}
