package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes of a first hour, each answered in chora's words: no Java class or type names. */
class FirstHourTest {
  @TempDir Path dir;

  @Test
  void aNumberThatIsNoneIsSaidWithoutJavaTypeNames() {
    Run restore = chora("conflicts", "x.db", "--restore", "abc");
    assertThat(restore.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(restore.err())
        .startsWith(
            "chora conflicts: Invalid value for option '--restore': 'abc' is not a whole number\n");
    Run port = chora("hub", "--port", "abc", "--data", dir.toString());
    assertThat(port.err()).contains("'abc' is not a whole number\n").doesNotContain("an int");
  }

  @Test
  void theConflictPageOnABusyPortSaysSoInChorasWords() throws Exception {
    Path db = dir.resolve("laptop.db");
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + db + "?chora.site=laptop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
    }
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(busy.getLocalPort());
      Run ui = chora("ui", db.toString(), "--port", port);
      assertThat(ui.exit()).as(ui.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(ui.err())
          .isEqualTo(
              "chora ui: port "
                  + port
                  + " is in use\n  choose another with --port, or leave it out for a free one\n");
    }
  }

  @Test
  void theHelpFooterNamesEveryExitCode() {
    Run help = chora("--help");
    for (int code = 0; code <= ExitCode.TIMED_OUT; code++) {
      assertThat(help.out()).containsPattern("(Exit codes: |, |\\n)" + code + " ");
    }
  }
}
