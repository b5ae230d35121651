package io.chora.cli;

import static io.chora.cli.InProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.cli.ChoraProcess.Run;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counts of one read in the singular everywhere the CLI prints them ("1 transactions" did not). */
class CountsTest {
  private static final Pattern ONE_IN_PLURAL =
      Pattern.compile(
          "\\b1 (transaction|row change|change|conflict|envelope|member|recipient|synced table"
              + "|view)s\\b");

  @TempDir Path dir;

  @Test
  void aCountOfOneIsSingularInEveryCommand() throws Exception {
    Path laptop = write("laptop", "INSERT INTO note VALUES (1, 'a')");
    Path phone = write("phone");
    List<Run> runs = new ArrayList<>();
    Run sync = ok(runs, "sync", laptop.toString(), phone.toString());
    assertThat(sync.out()).contains("laptop.db -> phone.db  1 row change in 1 transaction\n");
    write("laptop", "INSERT INTO note VALUES (2, 'b')");
    Run status = ok(runs, "status", laptop.toString());
    assertThat(status.out()).containsPattern("phone +\\{laptop=1\\} +1 transaction +20");
    Path file = dir.resolve("changes.json");
    Run export =
        ok(runs, "export", laptop.toString(), "--since", "laptop=1", "-o", file.toString());
    assertThat(export.err()).contains("exported 1 transaction from laptop");
    Run imported = ok(runs, "import", phone.toString(), file.toString());
    assertThat(imported.out())
        .contains("applied 1 transaction, skipped 0 already here (1 row change read), 0 conflicts");
    assertThat(ok(runs, "log", laptop.toString()).out()).contains("  1 change\n");
    assertThat(ok(runs, "doctor", laptop.toString()).out()).contains("1 synced table,");
    for (Run run : runs) {
      assertThat(ONE_IN_PLURAL.matcher(run.out() + run.err()).find()).as(run.toString()).isFalse();
    }
  }

  private Path write(String site, String... sql) throws SQLException {
    Path db = dir.resolve(site + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:chora:" + db + "?chora.site=" + site);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
      for (String s : sql) {
        st.execute(s);
      }
    }
    return db;
  }

  private static Run ok(List<Run> runs, String... args) {
    Run run = chora(args);
    assertThat(run.exit()).as(run.toString()).isZero();
    runs.add(run);
    return run;
  }
}
