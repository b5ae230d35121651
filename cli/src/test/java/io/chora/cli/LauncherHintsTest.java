package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands a hint tells the user to run name chora as the user ran it (the script passes {@code
 * -Dchora.launcher=$0}): {@code ./chora export ...}, not a {@code chora} that is not on the PATH.
 */
class LauncherHintsTest {
  /** A command line to copy that starts with a bare {@code chora}. */
  private static final Pattern BARE =
      Pattern.compile(
          "(?<![\\w./-])chora (status|sync|import|export|clone|conflicts|keygen|hub|repair-fork"
              + "|log|doctor)\\b");

  @TempDir Path dir;

  @Test
  void hintsNameTheCommandAsItWasRun() throws Exception {
    Path replica = dir.resolve("laptop.db");
    try (Connection c =
            DriverManager.getConnection("jdbc:chora:" + replica + "?chora.site=laptop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
    }
    Path plain = dir.resolve("plain.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
    }
    String before = System.getProperty("chora.launcher");
    System.setProperty("chora.launcher", "./chora");
    List<Run> runs = new ArrayList<>();
    try {
      Run noFile = run(runs, "import", replica.toString(), dir.resolve("nope.json").toString());
      assertThat(noFile.err()).contains("write one with: ./chora export OTHER_DB --since CLOCK");
      Run notYet = run(runs, "status", plain.toString());
      assertThat(notYet.err()).contains("(./chora import, ./chora sync)");
      Path json = Files.writeString(dir.resolve("c.json"), "{}");
      Run noKey = run(runs, "import", replica.toString(), json.toString(), "-i", "none.key");
      assertThat(noKey.err()).contains("make one with: ./chora keygen -o none.key");
      Run noConflict = run(runs, "conflicts", replica.toString(), "--restore", "99");
      assertThat(noConflict.err()).contains("list the open ones with: ./chora conflicts DB");
      Run typo = run(runs, "clone", "--sight", "x");
      assertThat(typo.err()).contains("./chora clone --help says what each argument means");
      Run near = run(runs, "hub", "tokn");
      assertThat(near.err()).contains("  did you mean: ./chora hub token?");
      Run doctor = run(runs, "doctor", plain.toString());
      assertThat(doctor.out()).contains("open it once through jdbc:chora:");
    } finally {
      if (before == null) {
        System.clearProperty("chora.launcher");
      } else {
        System.setProperty("chora.launcher", before);
      }
    }
    for (Run run : runs) {
      for (String line : (run.out() + run.err()).split("\n")) {
        String said = line.replaceFirst("^chora [a-z -]+: ", ""); // the error's own prefix
        if (!said.startsWith("Usage: ")) {
          assertThat(BARE.matcher(said).find()).as(line).isFalse();
        }
      }
    }
  }

  private static Run run(List<Run> runs, String... args) {
    Run run = chora(args);
    assertThat(run.exit()).as(run.toString()).isNotZero();
    runs.add(run);
    return run;
  }
}
