package io.chora.cli;

import static io.chora.cli.ChoraProcess.chora;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chora.cli.ChoraProcess.Run;
import io.chora.sync.ChangeSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chora jar run end to end, as a user runs it: output, files and exit codes. */
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path replica(String site, String... sql) throws SQLException {
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

  private static List<String> rows(Path db) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, title FROM note ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2));
      }
    }
    return rows;
  }

  private static Run ok(String... args) throws Exception {
    Run run = chora(args);
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }

  @Test
  void demoRunsTheReadmeStory() throws Exception {
    Run run = ok("demo", "--dir", dir.resolve("demo").toString());
    assertThat(run.out())
        .contains("Sync both ways: both replicas end with the same rows")
        .contains("clocks: laptop {laptop=6, phone=3}, phone {laptop=6, phone=3}")
        .containsPattern("(GROCERIES|groceries for the weekend) +★5\\.0 +3 views")
        .containsPattern(
            "the phone heard \\{note=\\[\\[(\\d+)\\]\\]\\} from laptop after \\d+ ms;"
                + " its note \\1: 'written live on the laptop'")
        // it narrates: each edit as it is made, whose side the counts are from, why a title won
        .containsPattern(
            "\n  laptop  UPDATE note SET title = 'groceries for the weekend' WHERE id = \\d+\n")
        .containsPattern("\n  phone   UPDATE note SET views = views \\+ 1 WHERE id = \\d+\n")
        .containsPattern(
            "\n  phone   INSERT INTO note\\(title, body\\) VALUES \\('from the phone', '…'\\) -> id \\d+\n")
        .contains("(row changes, from the laptop's side: 4 went to the phone, 3 came from it)")
        .contains("won: the later write by its hybrid logical clock wins (")
        .contains("the other waits in the ledger")
        .doesNotContain("Z#0")
        // its hints run as typed: here the jar, as java -jar runs it
        .contains(
            "\n  java -jar target/chora.jar status " + dir.resolve("demo").resolve("laptop.db"));
    // no line ends in spaces (a note without stars or views padded its row out to them)
    assertThat(run.out().lines().filter(l -> l.endsWith(" ") || l.endsWith("\t")).toList())
        .isEmpty();
    List<String> rows = run.out().lines().filter(l -> l.contains("★2.5")).toList();
    assertThat(rows).anyMatch(l -> l.contains("日本語 ✓")).hasSizeGreaterThan(3);
    for (String row : rows) { // aligned as a terminal shows them: wide characters take two columns
      assertThat(Output.width(row.substring(0, row.indexOf('★')))).as(row).isEqualTo(45);
    }
    Run again = chora("demo", "--dir", dir.resolve("demo").toString());
    assertThat(again.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(again.err()).contains("already holds laptop.db").contains("empty folder");
  }

  /** A replica behind on the schema shows, per table, what it keeps for what it lacks. */
  @Test
  void statusShowsWhatAReplicaBehindOnTheSchemaHoldsAside() throws Exception {
    Path ahead =
        replica(
            "tablet",
            "ALTER TABLE note ADD COLUMN body TEXT",
            "INSERT INTO note VALUES (1, 'a', 'x')",
            "INSERT INTO note VALUES (2, 'b', 'y')");
    Path behind = replica("phone");
    ok("sync", ahead.toString(), behind.toString());

    assertThat(ok("status", behind.toString()).out())
        .containsPattern("held aside +note: 2 \\(for tables or columns this replica lacks");
    JsonNode json = JSON.readTree(ok("status", behind.toString(), "--json").out());
    assertThat(json.get("heldAside").get("note").asLong()).isEqualTo(2);
    assertThat(rows(behind)).containsExactly("1|a", "2|b");
  }

  @Test
  void statusShowsSiteClockTablesLogConflictsAndPeers() throws Exception {
    Path a =
        replica("laptop", "INSERT INTO note VALUES (1, 'a')", "INSERT INTO note VALUES (2, 'b')");
    Path b = replica("phone");
    ok("sync", a.toString(), b.toString());
    replica("laptop", "INSERT INTO note VALUES (3, 'c')");

    Run text = ok("status", a.toString());
    assertThat(text.out())
        .containsPattern("replica +laptop")
        .containsPattern("clock +\\{laptop=3\\}")
        .contains("1 tracked: note")
        .contains("3 row changes")
        .contains("none open")
        .containsPattern("held aside +nothing")
        .containsPattern("phone +\\{laptop=2\\} +1 transaction +20");

    String statusJson = ok("status", a.toString(), "--json").out();
    assertThat(statusJson).endsWith("}\n"); // a final newline: the prompt after it starts afresh
    JsonNode json = JSON.readTree(statusJson);
    assertThat(json.get("site").asText()).isEqualTo("laptop");
    assertThat(json.get("clock").get("laptop").asLong()).isEqualTo(3);
    assertThat(json.get("trackedTables").get(0).asText()).isEqualTo("note");
    assertThat(json.get("logRowChanges").asLong()).isEqualTo(3);
    assertThat(json.get("openConflicts").asInt()).isZero();
    assertThat(json.get("peers").get(0).get("lacks").asLong()).isEqualTo(1);
  }

  @Test
  void logListsTransactionsFilteredBySinceAndTable() throws Exception {
    Path a =
        replica(
            "laptop",
            "CREATE TABLE tag(name TEXT PRIMARY KEY)",
            "INSERT INTO note VALUES (1, 'first')",
            "INSERT INTO tag VALUES ('red')",
            "UPDATE note SET title = 'second' WHERE id = 1");
    Run all = ok("log", a.toString());
    assertThat(all.out()).contains("laptop:1").contains("laptop:2").contains("laptop:3");

    Run filtered = ok("log", a.toString(), "--since", "laptop=1", "--table", "tag");
    assertThat(filtered.out()).contains("laptop:2").contains("insert tag['red']");
    assertThat(filtered.out()).doesNotContain("laptop:1 ").doesNotContain("laptop:3");

    ChangeSet wire = ChangeSet.fromJson(ok("log", a.toString(), "--json", "--table", "note").out());
    assertThat(wire.transactions()).hasSize(2);
    assertThat(ok("log", a.toString(), "--since", "{laptop=3}").out())
        .contains("has everything here");

    Run unknown = chora("log", a.toString(), "--table", "nope");
    assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err()).contains("no tracked table 'nope'").contains("tracked: note, tag");
    Run badClock = chora("log", a.toString(), "--since", "laptop");
    assertThat(badClock.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(badClock.err()).contains("site=counter");
  }

  @Test
  void syncMakesBothEqualPrintsTheResultAndASecondSyncIsQuiet() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path b = replica("phone", "INSERT INTO note VALUES (2, 'from phone')");
    Run run = ok("sync", a.toString(), b.toString());
    assertThat(run.out())
        .contains("Sent: 1, Received: 1")
        .contains("laptop.db -> phone.db  1 row change in 1 transaction\n")
        .contains("both at {laptop=1, phone=1}");
    assertThat(rows(a)).containsExactly("1|from laptop", "2|from phone").isEqualTo(rows(b));

    JsonNode quiet = JSON.readTree(ok("sync", a.toString(), b.toString(), "--json").out());
    assertThat(quiet.get("changesSent").asInt()).isZero();
    assertThat(quiet.get("changesReceived").asInt()).isZero();
    assertThat(quiet.get("b").get("clock").get("laptop").asLong()).isEqualTo(1);
  }

  @Test
  void cloneMakesAReplicaThatSyncsWithNothingToSend() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path clone = dir.resolve("phone.db");
    Run run = ok("clone", a.toString(), clone.toString(), "--site", "phone");
    assertThat(run.out()).contains("to " + clone).contains("replica 'phone'");
    assertThat(rows(clone)).isEqualTo(rows(a));
    JsonNode quiet = JSON.readTree(ok("sync", a.toString(), clone.toString(), "--json").out());
    assertThat(quiet.get("changesSent").asInt()).isZero();
    assertThat(quiet.get("changesReceived").asInt()).isZero();
    assertThat(quiet.get("b").get("site").asText()).isEqualTo("phone");

    Run exists = chora("clone", a.toString(), clone.toString());
    assertThat(exists.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(exists.err()).contains("exists").contains("never overwrites");
    Run sameSite =
        chora("clone", a.toString(), dir.resolve("p2.db").toString(), "--site", "laptop");
    assertThat(sameSite.exit()).isEqualTo(ExitCode.FAILED);
    assertThat(sameSite.err()).contains("already wrote transactions");
    assertThat(Files.exists(dir.resolve("p2.db"))).isFalse();
  }

  @Test
  void aLargeSyncDrawsAProgressBar() throws Exception {
    Path a =
        replica(
            "laptop",
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000)"
                + " INSERT INTO note SELECT x, hex(randomblob(32)) FROM n");
    Path b = replica("phone");
    Run run = ok("sync", a.toString(), b.toString(), "--progress");
    assertThat(run.err()).contains("laptop.db -> phone.db [").contains("] 100% ");
    assertThat(run.out()).contains("Sent: 20000, Received: 0");
    assertThat(rows(b)).hasSize(20000);
    assertThat(ok("sync", a.toString(), b.toString()).err()).isEmpty(); // not a terminal
  }

  @Test
  void conflictsAreListedRestoredAndDismissed() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'base'), (2, 'base')");
    Path b = replica("phone");
    ok("sync", a.toString(), b.toString());
    replica("laptop", "UPDATE note SET title = 'laptop says' WHERE id IN (1, 2)");
    Thread.sleep(5);
    replica("phone", "UPDATE note SET title = 'phone says' WHERE id IN (1, 2)");
    Run sync = ok("sync", a.toString(), b.toString());
    assertThat(sync.out()).contains("resolved: 2 in laptop.db, 2 in phone.db");

    Run list = ok("conflicts", a.toString());
    assertThat(list.out())
        .contains("note[1]")
        .contains("'phone says' (phone:1)")
        .contains("'laptop says' (laptop:2)");
    JsonNode json = JSON.readTree(ok("conflicts", a.toString(), "--json").out());
    assertThat(json).hasSize(2);
    long first = json.get(0).get("id").asLong();
    long second = json.get(1).get("id").asLong();
    assertThat(json.get(0).get("lost").asText()).isEqualTo("laptop says");

    assertThat(ok("conflicts", a.toString(), "--restore", "" + first).out())
        .contains("conflict " + first + " restored");
    ok("conflicts", a.toString(), "--dismiss", "" + second);
    assertThat(ok("conflicts", a.toString()).out()).contains("no open conflicts");
    ok("sync", a.toString(), b.toString());
    assertThat(rows(b)).containsExactly("1|laptop says", "2|phone says");

    Run gone = chora("conflicts", a.toString(), "--restore", "" + first);
    assertThat(gone.exit()).isEqualTo(ExitCode.FAILED);
    assertThat(gone.err()).contains("no open conflict " + first);
    Run both = chora("conflicts", a.toString(), "--restore", "1", "--dismiss", "2");
    assertThat(both.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(chora("conflicts", a.toString(), "--restore", "x").exit()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void exportAndImportCarryChangesByFileOrPipe() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'one')");
    Path b = replica("phone");
    ok("sync", a.toString(), b.toString());
    replica("laptop", "INSERT INTO note VALUES (2, 'two')");

    Path file = dir.resolve("changes.json");
    Run export = ok("export", a.toString(), "--since", "laptop=1,phone=0", "-o", file.toString());
    assertThat(export.err()).contains("exported 1 transaction from laptop");
    assertThat(ChangeSet.fromJson(Files.readString(file)).transactions()).hasSize(1);

    assertThat(ok("import", b.toString(), file.toString()).out())
        .contains("applied 1 transaction, skipped 0 already here (1 row change read), 0 conflicts");
    assertThat(ok("import", b.toString(), file.toString()).out())
        .contains("applied 0 transactions, skipped 1 already here");
    assertThat(rows(b)).isEqualTo(rows(a));

    // a pipe: export to stdout, import from stdin
    Path c = replica("tablet");
    String exported = ok("export", a.toString()).out();
    assertThat(exported).endsWith("]}\n"); // on a terminal too, the prompt starts on its own line
    byte[] everything = exported.getBytes(StandardCharsets.UTF_8);
    Run piped = ChoraProcess.chora(everything, "import", c.toString(), "-", "--json");
    assertThat(piped.exit()).as(piped.toString()).isZero();
    assertThat(JSON.readTree(piped.out()).get("applied").asInt()).isEqualTo(2);
    assertThat(rows(c)).isEqualTo(rows(a));
  }

  @Test
  void aBrokenChangeFileIsRefusedAndChangesNothing() throws Exception {
    Path a =
        replica("laptop", "INSERT INTO note VALUES (1, 'one')", "INSERT INTO note VALUES (2, 'x')");
    Path b = replica("phone");
    Path file = dir.resolve("changes.json");
    ok("export", a.toString(), "-o", file.toString());
    String whole = Files.readString(file);
    Files.writeString(file, whole.substring(0, whole.length() / 2 + 7)); // cut in the middle

    Run run = chora("import", b.toString(), file.toString());
    assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(run.err()).startsWith("chora import: ").contains("change set");
    assertThat(rows(b)).isEmpty();
    // cut between two tokens: Jackson's own text (its "[Source: REDACTED ...]") stays out
    String cut = whole.substring(0, whole.lastIndexOf("\"changes\""));
    Run piped =
        ChoraProcess.chora(cut.getBytes(StandardCharsets.UTF_8), "import", b.toString(), "-");
    assertThat(piped.exit()).as(piped.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(piped.err())
        .startsWith("chora import: change set refused: malformed change set: cut short at line ")
        .contains("(byte " + cut.getBytes(StandardCharsets.UTF_8).length + ")")
        .contains("truncated file")
        .doesNotContain("Source")
        .doesNotContain("REDACTED")
        .endsWith(
            "\n  nothing was imported; give a whole file written by java -jar target/chora.jar export (export it"
                + " again if it was cut short or edited)\n");
    // not JSON at all: chora's words, not Jackson's list of the tokens it expected
    Path text = Files.writeString(dir.resolve("notes.txt"), "garbage\n");
    Run notJson = chora("import", b.toString(), text.toString());
    assertThat(notJson.exit()).as(notJson.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(notJson.err())
        .startsWith(
            "chora import: change set refused: malformed change set: not valid JSON at line 1,"
                + " column 1 (byte 0): 'garbage' is not a JSON value\n")
        .doesNotContain("was expecting");
    assertThat(ok("status", b.toString(), "--json").out()).contains("\"clock\" : { }");

    Run missing = chora("import", b.toString(), dir.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err())
        .contains("no change file at")
        .contains("write one with: java -jar target/chora.jar export OTHER_DB");
  }

  @Test
  void missingOrWrongDatabaseFilesAndBadArgumentsTellTheUserWhatToDo() throws Exception {
    Path missing = dir.resolve("missing.db");
    for (String command : List.of("status", "log", "conflicts", "export")) {
      Run run = chora(command, missing.toString());
      assertThat(run.exit()).as(command).isEqualTo(ExitCode.NO_DATABASE);
      assertThat(run.err()).contains("no database at " + missing).contains("never creates");
    }
    assertThat(Files.exists(missing)).isFalse();
    Path text = Files.writeString(dir.resolve("notes.txt"), "just some text, not a database");
    Run notSqlite = chora("status", text.toString());
    assertThat(notSqlite.exit()).isEqualTo(ExitCode.NO_DATABASE);
    assertThat(notSqlite.err()).contains("is not an SQLite database");
    Run sameFile = chora("sync", text.toString(), text.toString());
    assertThat(sameFile.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(sameFile.err()).contains("are the same file\n  give two replicas' files, or a file");

    Run noArgs = chora("status");
    assertThat(noArgs.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(noArgs.err()).contains("Missing required parameter: 'DB'").contains("Usage:");
    Run unknown = chora("stauts", "x.db");
    assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err())
        .startsWith(
            "chora: there is no command 'stauts'\n  did you mean: java -jar target/chora.jar status");
    // a command chora does not have: the ones it has, not picocli's "Unmatched arguments"
    Run init = chora("init", "x.db");
    assertThat(init.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(init.err())
        .startsWith(
            "chora: there is no command 'init'\n  the commands: clone, compact, conflicts, demo,")
        .endsWith(" --help says what each argument means\n")
        .doesNotContain("Unmatched");
    assertThat(init.err().lines()).hasSizeLessThan(6); // not the whole usage page after it

    Run help = ok("--help");
    assertThat(help.out()).contains("sync").contains("conflicts").contains("Exit codes");
    assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThan(81));
    // each command's summary reads whole: a sentence, not a line cut where the first one ended
    String commands = help.out().substring(help.out().indexOf("Commands:\n") + 10);
    for (String entry : commands.split("\n  (?=[a-z])")) {
      assertThat(entry.strip().replaceAll("\\s+", " ")).as(entry).endsWith(".");
    }
    assertThat(help.out()).contains("hub          Run a hub that replicas sync through");
    assertThat(ok("--version").out()).startsWith("chora 0.1.0");
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** Runs {@code chora ui DB}, asks its API for the status and the conflicts, and stops it. */
  private static void lookThroughTheUi(Path db) throws Exception {
    Process ui =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ChoraProcess.JAR.toString(),
                "ui",
                db.toString())
            .redirectErrorStream(true)
            .start();
    try (var lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8))) {
      String first = lines.readLine();
      assertThat(first).as("first line").contains("http://127.0.0.1:");
      String url = first.substring(first.indexOf("http://")).strip();
      var http = java.net.http.HttpClient.newHttpClient();
      for (String api : List.of("api/status", "api/conflicts")) {
        var answer =
            http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + api))
                    .timeout(java.time.Duration.ofSeconds(20))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(api + ": " + answer.body()).isEqualTo(200);
      }
    } finally {
      ui.destroy();
      assertThat(ui.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void commandsThatOnlyLookNeverChangeAFile() throws Exception {
    // a replica with a peer, an open conflict, and local writes a sync has not folded yet
    Path a = replica("laptop", "PRAGMA journal_mode=WAL", "INSERT INTO note VALUES (1, 'base')");
    Path b = replica("phone");
    ok("sync", a.toString(), b.toString());
    replica("laptop", "UPDATE note SET title = 'laptop says' WHERE id = 1");
    Thread.sleep(5);
    replica("phone", "UPDATE note SET title = 'phone says' WHERE id = 1");
    ok("sync", a.toString(), b.toString());
    replica("laptop", "DELETE FROM note WHERE id = 1", "INSERT INTO note VALUES (1, 'again')");

    String before = sha256(a);
    Path out = dir.resolve("out.json");
    ok("status", a.toString());
    ok("status", a.toString(), "--json");
    ok("log", a.toString());
    ok("log", a.toString(), "--json", "--since", "laptop=1");
    ok("conflicts", a.toString());
    ok("conflicts", a.toString(), "--json");
    ok("export", a.toString(), "-o", out.toString());
    ok("export", a.toString(), "--since", "laptop=2,phone=1");
    lookThroughTheUi(a);
    assertThat(sha256(a)).isEqualTo(before);
    // what the read-only export held is what a writing command sends
    Path c = replica("tablet");
    ok("import", c.toString(), out.toString());
    assertThat(rows(c)).isEqualTo(rows(a)).containsExactly("1|again");

    // a plain SQLite file: every look says it is not a replica yet, and how to make it one
    Path plain = dir.resolve("plain.db");
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + plain);
        Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      st.execute("INSERT INTO note VALUES (1, 'plain')");
    }
    String plainBefore = sha256(plain);
    for (String command : List.of("status", "log", "conflicts", "export", "ui")) {
      Run run = chora(command, plain.toString());
      assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.NOT_A_REPLICA);
      assertThat(run.err())
          .startsWith("chora " + command + ": " + plain + " is not a chora replica yet")
          .contains("jdbc:chora:" + plain + "?chora.site=NAME");
    }
    assertThat(sha256(plain)).isEqualTo(plainBefore);

    // a replica another program wrote to (its rows logged, not yet taken in): looking refuses
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + a);
        Statement st = other.createStatement()) {
      st.execute("INSERT INTO note VALUES (9, 'by another program')");
    }
    String written = sha256(a);
    Run pending = chora("status", a.toString());
    assertThat(pending.exit()).as(pending.toString()).isEqualTo(ExitCode.NOT_A_REPLICA);
    assertThat(pending.err())
        .startsWith("chora status: " + a + " has writes chora has not taken in yet")
        .contains("(java -jar target/chora.jar import, java -jar target/chora.jar sync)")
        .doesNotContain("capture is off"); // the driver's own warning: chora's words suffice
    assertThat(sha256(a)).isEqualTo(written);
    // so the app's own first open still chooses the site id
    try (Connection app = DriverManager.getConnection("jdbc:chora:" + plain + "?chora.site=desk")) {
      assertThat(app.unwrap(io.chora.jdbc.ChoraConnection.class).siteId()).isEqualTo("desk");
    }
  }

  @Test
  void theLauncherScriptRunsTheJar() throws Exception {
    Path script = Path.of("..", "chora").toAbsolutePath().normalize();
    Run run = ChoraProcess.run(List.of("sh", script.toString(), "--version"), null);
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("chora ");
    // the commands it prints to copy name the script as it was run
    Path demo = dir.resolve("demo");
    Run story =
        ChoraProcess.run(List.of("sh", script.toString(), "demo", "--dir", demo.toString()), null);
    assertThat(story.exit()).as(story.toString()).isZero();
    assertThat(story.out())
        .contains("\n  " + script + " status " + demo.resolve("laptop.db") + "\n");
  }

  @Test
  void uiServesTheConflictPageUntilStopped() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'one')");
    Process ui =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ChoraProcess.JAR.toString(),
                "ui",
                a.toString())
            .redirectErrorStream(true)
            .start();
    try (var lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8))) {
      String first = lines.readLine(); // "chora ui for DB at URL"
      assertThat(first).as("first line").contains("chora ui for").contains("http://127.0.0.1:");
      String url = first.substring(first.indexOf("http://")).strip();
      var http = java.net.http.HttpClient.newHttpClient();
      var status =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/status"))
                  .timeout(java.time.Duration.ofSeconds(20))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(status.body()).get("site").asText()).isEqualTo("laptop");
    } finally {
      ui.destroy();
      assertThat(ui.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    Run missing = chora("ui", dir.resolve("missing.db").toString());
    assertThat(missing.exit()).isEqualTo(ExitCode.NO_DATABASE);
    Run open = chora("ui", a.toString(), "--host", "0.0.0.0", "--token", "short");
    assertThat(open.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(open.err()).contains("16 characters");
  }

  private static Run runTool(String... command) throws Exception {
    return ChoraProcess.run(List.of(command), null);
  }

  @Test
  void keysWorkspaceMembersAndEncryptedFilesInteroperateWithAge() throws Exception {
    Path key = dir.resolve("laptop.key");
    Run keygen = ok("keygen", "-o", key.toString());
    String recipient = keygen.out().strip();
    assertThat(recipient).startsWith("age1");
    assertThat(keygen.err()).contains("Public key: " + recipient);
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(chora("keygen", "-o", key.toString()).exit()).isEqualTo(ExitCode.FAILED);

    Path members = dir.resolve("members.txt");
    Path other = dir.resolve("other.key");
    String otherRecipient = ok("keygen", "-o", other.toString()).out().strip();
    ok("workspace", "add", members.toString(), recipient);
    ok("workspace", "add", members.toString(), otherRecipient);
    assertThat(ok("workspace", "list", members.toString()).out().lines())
        .containsExactly(recipient, otherRecipient);
    ok("workspace", "remove", members.toString(), otherRecipient);
    assertThat(chora("workspace", "remove", members.toString(), otherRecipient).exit())
        .isEqualTo(ExitCode.FAILED);
    Run notAKey = chora("workspace", "add", members.toString(), "age1nope");
    assertThat(notAKey.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(notAKey.err())
        .startsWith("chora workspace add: not an age recipient: 'age1nope'")
        .contains("the age1… line that java -jar target/chora.jar keygen");

    // chora -> age: an encrypted export opens with the stock age tool, binary and armored
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'sealed')");
    Path sealed = dir.resolve("changes.age");
    ok("export", a.toString(), "-R", members.toString(), "-o", sealed.toString());
    assertThat(Files.readString(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("sealed");
    Run opened = runTool("age", "-d", "-i", key.toString(), sealed.toString());
    assertThat(opened.exit()).as(opened.toString()).isZero();
    assertThat(ChangeSet.fromJson(opened.out()).transactions()).hasSize(1);
    Path armored = dir.resolve("changes.age.txt");
    ok("export", a.toString(), "-r", recipient, "--armor", "-o", armored.toString());
    assertThat(Files.readString(armored)).startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
    assertThat(runTool("age", "-d", "-i", key.toString(), armored.toString()).exit()).isZero();

    // chora import of the encrypted file, and of one that age encrypted
    Path b = replica("phone");
    Run locked = chora("import", b.toString(), sealed.toString());
    assertThat(locked.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(locked.err()).contains("encrypted with age").contains("--identity");
    Run wrongKey = chora("import", b.toString(), sealed.toString(), "--identity", other.toString());
    assertThat(wrongKey.exit()).isEqualTo(ExitCode.FAILED);
    assertThat(wrongKey.err()).contains("cannot decrypt").contains("no identity matches");
    assertThat(rows(b)).isEmpty();
    ok("import", b.toString(), sealed.toString(), "--identity", key.toString());
    assertThat(rows(b)).containsExactly("1|sealed");

    Path plain = dir.resolve("plain.json");
    replica("laptop", "INSERT INTO note VALUES (2, 'by age')");
    ok("export", a.toString(), "-o", plain.toString());
    Path byAge = dir.resolve("by-age.age");
    Run encrypt = runTool("age", "-a", "-r", recipient, "-o", byAge.toString(), plain.toString());
    assertThat(encrypt.exit()).as(encrypt.toString()).isZero();
    ok("import", b.toString(), byAge.toString(), "-i", key.toString());
    assertThat(rows(b)).containsExactly("1|sealed", "2|by age");
  }

  @Test
  void signingKeysMembersAndSignedExportsImports() throws Exception {
    Path key = dir.resolve("laptop.key");
    Run keygen = ok("keygen", "-o", key.toString());
    Path signFile = dir.resolve("laptop.key.sign");
    String signing = keygen.err().replaceAll("(?s).*Signing key: (chorasign1\\w+).*", "$1");
    assertThat(signing).startsWith("chorasign1");
    assertThat(Files.readString(signFile)).contains("# public key: " + signing);
    assertThat(Files.getPosixFilePermissions(signFile))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    String recipient = keygen.out().strip();
    Path members = dir.resolve("members.txt");
    ok("workspace", "add", members.toString(), recipient, signing);
    assertThat(ok("workspace", "list", members.toString()).out().lines())
        .containsExactly(recipient + " " + signing);
    Path phoneSign = dir.resolve("phone.sign");
    String phoneSigning = ok("keygen", "--signing-only", "-o", phoneSign.toString()).out().strip();
    assertThat(phoneSigning).startsWith("chorasign1");

    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'signed')");
    Path signed = dir.resolve("signed.json");
    ok("export", a.toString(), "--sign", signFile.toString(), "-o", signed.toString());
    assertThat(Files.readString(signed)).contains("\nchora-signature/1 " + signing);
    Path b = replica("phone");
    String[] checked = {"--sign", phoneSign.toString(), "--members", members.toString()};
    Path unsigned = dir.resolve("unsigned.json");
    ok("export", a.toString(), "-o", unsigned.toString());
    Run refused = chora(concat("import", b.toString(), unsigned.toString(), checked));
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("carries no signature");
    assertThat(rows(b)).isEmpty();
    ok(concat("import", b.toString(), signed.toString(), checked));
    assertThat(rows(b)).containsExactly("1|signed");
  }

  private static String[] concat(String a, String b, String c, String[] more) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(a, b, c), List.of(more).stream())
        .toArray(String[]::new);
  }

  @Test
  void syncThroughAHubBothWaysWithExitCodes() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path b = replica("phone", "INSERT INTO note VALUES (2, 'from phone')");
    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    Path wrong = Files.writeString(dir.resolve("wrong.token"), "not-the-team-token\n");
    String endpoint;
    try (HubProcess hub = HubProcess.start(dir.resolve("hub"))) {
      endpoint = hub.endpoint();
      String team = endpoint + "/team";

      Run first = ok("sync", a.toString(), team, "--token-file", token.toString());
      assertThat(first.out())
          .contains("Synced laptop.db through " + team + ": received 0 transactions")
          .contains("the hub holds all of laptop's, 1 transaction\n");
      Run second = ok("sync", b.toString(), team, "--token-file", token.toString(), "--json");
      JsonNode json = JSON.readTree(second.out());
      assertThat(json.get("transactionsReceived").asLong()).isEqualTo(1);
      assertThat(json.get("clock").get("laptop").asLong()).isEqualTo(1);
      assertThat(ok("sync", a.toString(), team, "--token-file", token.toString()).out())
          .contains("received 1 transaction;");
      assertThat(rows(a)).containsExactly("1|from laptop", "2|from phone").isEqualTo(rows(b));

      String before = sha256(b);
      Run refused = chora("sync", b.toString(), team, "--token-file", wrong.toString());
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(refused.err())
          .startsWith("chora sync: ")
          .contains("HTTP 401")
          .contains("wrong chora.hub.token, or no such workspace")
          .contains("check the token file");
      Run nowhere =
          chora("sync", b.toString(), endpoint + "/nope", "--token-file", token.toString());
      assertThat(nowhere.exit()).as(nowhere.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(nowhere.err()).contains("HTTP 401");
      assertThat(sha256(b)).isEqualTo(before);

      Run noToken = chora("sync", b.toString(), team);
      assertThat(noToken.exit()).isEqualTo(ExitCode.USAGE);
      assertThat(noToken.err()).contains("--token-file");
      assertThat(chora("sync", b.toString(), "ws://127.0.0.1:1/no/such").exit())
          .isEqualTo(ExitCode.USAGE);
    }
    Run stopped = chora("sync", a.toString(), endpoint + "/team", "--token-file", token.toString());
    assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(stopped.err()).contains("cannot reach the hub").contains("is the hub running");
  }

  @Test
  void hubRelaysLiveBetweenTwoReplicas() throws Exception {
    try (HubProcess hub = HubProcess.start(dir.resolve("hub"))) {
      String endpoint = hub.endpoint();
      String options = "&chora.hub=" + endpoint + "/team&chora.hub.token=team-token-0123456789";
      try (Connection laptop =
              DriverManager.getConnection(
                  "jdbc:chora:" + dir.resolve("laptop.db") + "?chora.site=laptop" + options);
          Connection phone =
              DriverManager.getConnection(
                  "jdbc:chora:" + dir.resolve("phone.db") + "?chora.site=phone" + options)) {
        for (Connection c : List.of(laptop, phone)) {
          try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
          }
        }
        try (Statement st = laptop.createStatement()) {
          st.execute("INSERT INTO note VALUES (1, 'live')");
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<String> seen = List.of();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
          try (Statement st = phone.createStatement();
              ResultSet rs = st.executeQuery("SELECT title FROM note")) {
            seen = rs.next() ? List.of(rs.getString(1)) : List.of();
          } catch (SQLException busy) {
            // the hub client is applying: look again
          }
        }
        assertThat(seen).containsExactly("live");
      }
    }
    Run badToken = chora("hub", "--data", dir.toString(), "--token", "no-equals-sign");
    assertThat(badToken.exit()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void deviceTokensAreAddedListedAndRevokedWhileTheHubRuns() throws Exception {
    Path data = dir.resolve("hub");
    Path laptopToken = dir.resolve("laptop.token");
    Run added =
        ok(
            "hub",
            "token",
            "add",
            "--data",
            data.toString(),
            "team",
            "laptop",
            "-o",
            laptopToken.toString());
    assertThat(added.out()).isEmpty();
    assertThat(Files.readString(laptopToken).strip()).hasSize(43);
    Run twice = chora("hub", "token", "add", "--data", data.toString(), "team", "laptop");
    assertThat(twice.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(twice.err()).contains("already has an active token named laptop");

    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path b = replica("phone", "INSERT INTO note VALUES (2, 'from phone')");
    try (HubProcess hub = HubProcess.start(data)) { // device tokens only: no --token
      String team = hub.endpoint() + "/team";
      ok("sync", a.toString(), team, "--token-file", laptopToken.toString());

      Run phone = ok("hub", "token", "add", "--data", data.toString(), "team", "phone");
      Path phoneToken = Files.writeString(dir.resolve("phone.token"), phone.out());
      ok("sync", b.toString(), team, "--token-file", phoneToken.toString());
      assertThat(rows(b)).containsExactly("1|from laptop", "2|from phone");

      Run list = ok("hub", "token", "list", "--data", data.toString());
      assertThat(list.out().lines().map(l -> l.replaceAll("\\S+Z", "T").split("\\s+")))
          .extracting(cells -> String.join(" ", cells))
          .containsExactly(
              "WORKSPACE NAME ADDED REVOKED SITES",
              "team laptop T - laptop",
              "team phone T - phone");

      ok("hub", "token", "revoke", "--data", data.toString(), "team", "phone");
      Run refused = chora("sync", b.toString(), team, "--token-file", phoneToken.toString());
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(refused.err()).contains("HTTP 401");
      JsonNode json =
          JSON.readTree(ok("hub", "token", "list", "--data", data.toString(), "--json").out());
      assertThat(json.get(1).get("revoked").asText()).endsWith("Z");
      assertThat(json.get(0).get("revoked").isNull()).isTrue();
    }
    Run none = chora("hub", "token", "revoke", "--data", data.toString(), "team", "phone");
    assertThat(none.exit()).isEqualTo(ExitCode.FAILED);
    assertThat(none.err()).contains("has no active token named phone");
    Run nowhere = chora("hub", "token", "list");
    assertThat(nowhere.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(nowhere.err()).contains("no hub given").contains("--data DIR, or --store JDBC_URL");
    Run notPostgres = chora("hub", "token", "list", "--store", "jdbc:sqlite:x.db");
    assertThat(notPostgres.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(notPostgres.err()).contains("a hub store is jdbc:postgresql://");
  }

  @Test
  void aHubRefusesAShortTokenMakesOneOnRequestAndSaysWhenItsPortIsTaken() throws Exception {
    Path data = dir.resolve("hub");
    Run shortToken =
        chora("hub", "--port", "0", "--data", data.toString(), "--token", "team=short");
    assertThat(shortToken.exit()).as(shortToken.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(shortToken.err())
        .contains("the token of workspace team is too short: a hub token has at least 16")
        .contains("--new-token team");
    Run none = chora("hub", "--port", "0", "--data", data.toString());
    assertThat(none.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(none.err()).contains("--token WORKSPACE=TOKEN, or --new-token WORKSPACE");

    Path db = replica("laptop", "INSERT INTO note VALUES (1, 'a')");
    try (HubProcess hub = HubProcess.start(data, "--new-token", "team")) {
      assertThat(hub.after()).hasSize(2);
      String token = hub.after().get(0).replaceFirst("^workspace team: new token ", "");
      assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(hub.after().get(1)).contains("--token team=" + token);
      Path file = Files.writeString(dir.resolve("team.token"), token + "\n");
      ok("sync", db.toString(), hub.endpoint() + "/team", "--token-file", file.toString());

      String port = hub.endpoint().substring(hub.endpoint().lastIndexOf(':') + 1);
      Run busy = chora("hub", "--port", port, "--data", data.toString(), "--new-token", "x");
      assertThat(busy.exit()).as(busy.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(busy.out()).isEmpty(); // no token for a hub that never listened
      assertThat(busy.err())
          .isEqualTo(
              "chora hub: port "
                  + port
                  + " is in use\n  choose another with --port (0 picks a"
                  + " free one)\n");
    }
  }

  /**
   * A hub whose PostgreSQL store cannot be used says why in chora's words, with what to do, and
   * nothing of HikariCP or pgjdbc unless CHORA_DEBUG=1 asks for it.
   */
  @Test
  void aHubWhoseStoreCannotBeUsedSaysWhyAndWhatToDo() throws Exception {
    String token = "team=team-token-0123456789";
    int closed;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = free.getLocalPort(); // nothing listens there once it is closed
    }
    String down = "jdbc:postgresql://127.0.0.1:" + closed + "/chora?user=chora";
    Run refused = chora("hub", "--port", "0", "--token", token, "--store", down);
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .isEqualTo(
            "chora hub: cannot open the store "
                + down
                + ": nothing answers at 127.0.0.1:"
                + closed
                + "\n  is PostgreSQL running there, and are the URL's host and port right?\n");
    Run debug =
        ChoraProcess.withEnv(
            java.util.Map.of("CHORA_DEBUG", "1"),
            "hub",
            "--port",
            "0",
            "--token",
            token,
            "--store",
            down);
    assertThat(debug.err()).contains("org.postgresql.util.PSQLException").contains("HikariPool");

    String cluster = io.chora.hub.testing.PgCluster.shared().url("nosuchdb");
    Run noDatabase = chora("hub", "--port", "0", "--token", token, "--store", cluster);
    assertThat(noDatabase.exit()).as(noDatabase.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(noDatabase.err())
        .contains(": PostgreSQL at 127.0.0.1:")
        .contains(" has no database nosuchdb\n  create it (createdb -h 127.0.0.1 -p ")
        .doesNotContain("Hikari")
        .doesNotContain("Exception");
    Run tokens = chora("hub", "token", "list", "--store", down);
    assertThat(tokens.exit()).as(tokens.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(tokens.err())
        .startsWith("chora hub token list: cannot read the device tokens in " + down)
        .contains("nothing answers at");

    // a URL that is not PostgreSQL's: the one line that matters, the synopsis, where the rest is
    Run notPostgres = chora("hub", "--port", "0", "--token", token, "--store", "jdbc:mysql://x");
    assertThat(notPostgres.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(notPostgres.err())
        .startsWith("chora hub: a hub store is jdbc:postgresql://HOST:PORT/DATABASE")
        .contains("\nUsage: chora hub [-hV]")
        .endsWith(" hub --help says what each argument means\n")
        .doesNotContain("--pushes-per-second=N  "); // not the whole option list
  }

  /**
   * A hub on a PostgreSQL store keeps everything there: it takes no --data and writes nothing where
   * it runs (it required --data for a lock file no instance on a shared store needs). --data with
   * --store is refused: they are two stores.
   */
  @Test
  void aHubOnAPostgreSqlStoreNeedsNoDataDirectory() throws Exception {
    String store = io.chora.hub.testing.PgCluster.shared().newDatabase();
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path b = replica("phone");
    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    Path where = Files.createDirectory(dir.resolve("where-the-hub-runs"));
    try (HubProcess hub =
        HubProcess.in(where, "--token", "team=team-token-0123456789", "--store", store)) {
      String team = hub.endpoint() + "/team";
      ok("sync", a.toString(), team, "--token-file", token.toString());
      assertThat(ok("sync", b.toString(), team, "--token-file", token.toString()).out())
          .contains("received 1 transaction;");
    }
    assertThat(rows(b)).containsExactly("1|from laptop");
    assertThat(where).isEmptyDirectory();

    Path data = dir.resolve("data");
    Run both =
        chora(
            "hub",
            "--port",
            "0",
            "--data",
            data.toString(),
            "--token",
            "team=team-token-0123456789",
            "--store",
            store);
    assertThat(both.exit()).as(both.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(both.err())
        .startsWith("chora hub: --data and --store name two different stores: give --data DIR");
    Run tokens = chora("hub", "token", "list", "--data", data.toString(), "--store", store);
    assertThat(tokens.exit()).as(tokens.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(tokens.err()).contains("--data and --store name two different stores");
    assertThat(data).doesNotExist();
  }

  /** The mistakes of a first sync through a hub, each answered in chora's words with a fix. */
  @Test
  void syncMistakesAndASecondHubOnOneDirectorySayWhatToDo() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'a')");
    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    Run noFile = chora("sync", a.toString(), "ws://127.0.0.1:1/team", "--token-file", "nope.tok");
    assertThat(noFile.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(noFile.err())
        .isEqualTo(
            "chora sync: there is no token file nope.tok\n"
                + "  --token-file names a file holding the workspace's token\n");
    Run http = chora("sync", a.toString(), "http://127.0.0.1:1/team");
    assertThat(http.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(http.err())
        .startsWith("chora sync: not a replica file nor a hub address: http://127.0.0.1:1/team\n")
        .contains("ws://HOST:PORT/WORKSPACE");
    int closed;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = free.getLocalPort();
    }
    String nowhere = "ws://127.0.0.1:" + closed + "/team";
    Run down = chora("sync", a.toString(), nowhere, "--token-file", token.toString());
    assertThat(down.exit()).as(down.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(down.err())
        .contains(": nothing answers there (connection refused)\n")
        .contains("is the hub running at " + nowhere)
        .doesNotContain("Exception");

    // the driver's own warning, once prefixed: a copied replica takes a new site id
    Path copy = Files.copy(a, dir.resolve("copy.db"));
    Run copied = ok("sync", copy.toString(), replica("phone").toString());
    assertThat(copied.err())
        .startsWith("chora: warning: " + copy.toAbsolutePath() + " is a copy")
        .doesNotContain("chora: warning: chora:");

    Path data = dir.resolve("hub");
    try (HubProcess hub = HubProcess.start(data)) {
      // the phone holds laptop:1 (from the pairwise sync) and writes after it: the hub stores the
      // phone's write only once it holds laptop:1, which only laptop's replica pushes
      Path phone = replica("phone", "INSERT INTO note VALUES (9, 'after laptop:1')");
      Run waiting =
          chora(
              "sync",
              phone.toString(),
              hub.endpoint() + "/team",
              "--token-file",
              token.toString(),
              "--timeout",
              "15");
      assertThat(waiting.exit()).as(waiting.toString()).isEqualTo(ExitCode.TIMED_OUT);
      assertThat(waiting.err())
          .contains("(1 transaction of this replica's not yet acknowledged: ")
          .contains("deps missing: laptop")
          .contains("sync the replicas of the sites named through this hub too");
      Run second = chora("hub", "--port", "0", "--data", data.toString(), "--new-token", "x");
      assertThat(second.exit()).as(second.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(second.err())
          .startsWith("chora hub: a hub is running on " + data.toAbsolutePath())
          .contains("\n  one hub runs on a data directory: stop that one first, or give this one")
          .contains("another --data DIR\n");
    }
  }

  @Test
  void hubPurgeRemovesAnOriginsEnvelopesOnlyWithTheHubStopped() throws Exception {
    Path a = replica("laptop", "INSERT INTO note VALUES (1, 'from laptop')");
    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    Path data = dir.resolve("hub");
    String[] purge = {
      "hub", "purge", "--data", data.toString(), "--workspace", "team", "--origin", "laptop"
    };
    try (HubProcess hub = HubProcess.start(data)) {
      ok("sync", a.toString(), hub.endpoint() + "/team", "--token-file", token.toString());
      Run running = chora(purge);
      assertThat(running.exit()).as(running.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(running.err())
          .startsWith("chora hub purge: a hub is running on " + data.toAbsolutePath())
          .contains("stop the hub, purge, then start it again");
    }
    Run inside =
        chora(
            "hub",
            "purge",
            "--data",
            data.toString(),
            "--workspace",
            "team",
            "--origin",
            "laptop",
            "--from",
            "2");
    assertThat(inside.exit()).as(inside.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(inside.err()).contains("the hub holds laptop up to 1: nothing to remove from seq 2");
    Run done = ok(purge);
    assertThat(done.out())
        .isEqualTo(
            "Removed 1 envelope from workspace team: laptop 1..1\n"
                + "  the hub now holds nothing of laptop\n");
  }

  @Test
  void doctorPassesAHealthyReplicaAndNamesDroppedTriggersAndAWrongHubToken() throws Exception {
    Path db = replica("laptop", "INSERT INTO note VALUES (1, 'one')");
    Run healthy = ok("doctor", db.toString());
    assertThat(healthy.out())
        .contains("integrity   ok  ok (PRAGMA quick_check)")
        .contains("capture     ok  1 synced table, triggers in place")
        .contains("held back   ok  nothing")
        .endsWith(db + " looks healthy\n");

    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    Path wrong = Files.writeString(dir.resolve("wrong.token"), "not-the-team-token\n");
    try (HubProcess hub = HubProcess.start(dir.resolve("hub"))) {
      String team = hub.endpoint() + "/team";
      assertThat(ok("doctor", db.toString(), "--hub", team, "--token-file", token.toString()).out())
          .contains("hub         ok  " + team + " is reachable and takes the token");
      Run refused = chora("doctor", db.toString(), "--hub", team, "--token-file", wrong.toString());
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(refused.out())
          .contains("hub         PROBLEM  " + team + " refused the connection with HTTP 401")
          .contains("hub: the token or the workspace is wrong");
    }

    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = plain.createStatement()) {
      st.execute("DROP TRIGGER chora_1_upd");
      st.execute("UPDATE note SET title = 'behind chora' WHERE id = 1");
    }
    Run broken = chora("doctor", db.toString(), "--json");
    assertThat(broken.exit()).as(broken.toString()).isEqualTo(ExitCode.FAILED);
    JsonNode json = JSON.readTree(broken.out());
    assertThat(json.get("healthy").asBoolean()).isFalse();
    JsonNode capture = json.get("checks").get(2);
    assertThat(capture.get("check").asText()).isEqualTo("capture");
    assertThat(capture.get("found").asText()).isEqualTo("triggers missing on note (chora_1_upd)");
    assertThat(capture.get("fix").asText()).contains("were not recorded and will not sync");
    assertThat(rows(db)).containsExactly("1|behind chora"); // doctor only looks
  }

  /**
   * Capture is current after what chora itself did to a file (the demo's replicas, which joined a
   * hub; DDL through jdbc:chora:), and only a schema changed behind chora is reported as waiting
   * for the next open. Doctor once compared its stamp with the bare schema version and said so of
   * every replica.
   */
  @Test
  void doctorCallsCaptureCurrentUnlessTheSchemaChangedBehindChora() throws Exception {
    Path demo = dir.resolve("demo");
    ok("demo", "--dir", demo.toString());
    String current = "capture     ok  1 synced table, triggers in place\n";
    for (String replica : List.of("laptop.db", "phone.db")) {
      assertThat(ok("doctor", demo.resolve(replica).toString()).out()).contains(current);
    }
    Path db =
        replica(
            "laptop",
            "CREATE INDEX note_title ON note(title)",
            "ALTER TABLE note ADD COLUMN body TEXT",
            "INSERT INTO note VALUES (1, 'one', 'x')");
    assertThat(ok("doctor", db.toString()).out()).contains(current);

    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = plain.createStatement()) {
      st.execute("CREATE INDEX note_body ON note(body)");
    }
    assertThat(ok("doctor", db.toString()).out())
        .contains("capture     ok  1 synced table, triggers in place; not yet rebuilt for the")
        .contains("the next open through jdbc:chora: does that");
    replica("laptop"); // an open through chora rebuilds them
    assertThat(ok("doctor", db.toString()).out()).contains(current);
  }

  /**
   * A hub process on an ephemeral port of 127.0.0.1, read up to its listening line (and the two
   * lines after it that a {@code --new-token} prints); destroy it after.
   */
  private record HubProcess(Process process, String endpoint, List<String> after)
      implements AutoCloseable {
    static HubProcess start(Path data) throws Exception {
      return start(data, "--token", "team=team-token-0123456789");
    }

    static HubProcess start(Path data, String... workspaces) throws Exception {
      List<String> args = new ArrayList<>(List.of("--data", data.toString()));
      args.addAll(List.of(workspaces));
      return in(Path.of("").toAbsolutePath(), args.toArray(String[]::new));
    }

    /** {@code chora hub --port 0 ARGS} run in the folder {@code cwd}. */
    static HubProcess in(Path cwd, String... args) throws Exception {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  ChoraProcess.JAR.toString(),
                  "hub",
                  "--port",
                  "0"));
      command.addAll(List.of(args));
      Process hub =
          new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
      var lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
      String line = lines.readLine();
      assertThat(line).as("first line").contains("listening on ws://127.0.0.1:");
      List<String> after = new ArrayList<>();
      if (command.contains("--new-token")) {
        after.add(lines.readLine());
        after.add(lines.readLine());
      }
      return new HubProcess(hub, line.substring(line.indexOf("ws://")).strip(), after);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aForkIsRefusedByNameAndRepairedAgainstAFileOrAHub() throws Exception {
    // two files given one chora.site: each wrote its own x:1
    Path a = replica("a", "INSERT INTO note VALUES (1, 'on a')");
    Path b = dir.resolve("b.db");
    Files.copy(replica("x0"), b); // an empty replica's copy, then both write as site 'x'
    for (Path db : List.of(a, b)) {
      try (Connection c = DriverManager.getConnection("jdbc:chora:" + db + "?chora.site=x");
          Statement st = c.createStatement()) {
        st.execute("INSERT INTO note VALUES (" + (db == a ? 11 : 12) + ", 'as x')");
      }
    }
    String before = sha256(b);
    Run refused = chora("sync", a.toString(), b.toString());
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(refused.err()).contains("fork").contains("x:1").contains("repair-fork");
    assertThat(sha256(b)).isEqualTo(before);

    Run repaired = ok("repair-fork", b.toString(), "--against", a.toString());
    assertThat(repaired.out()).contains("moved b.db's side of the fork to site 'x.fork.");
    ok("sync", a.toString(), b.toString());
    assertThat(rows(a)).containsExactly("1|on a", "11|as x", "12|as x").isEqualTo(rows(b));

    // through a hub: the hub took c's y:1, so d's y:1 is refused; d repairs against the hub
    Path c = Files.move(replica("y", "INSERT INTO note VALUES (21, 'on c')"), dir.resolve("c.db"));
    Path d = Files.move(replica("y", "INSERT INTO note VALUES (22, 'on d')"), dir.resolve("d.db"));
    Path token = Files.writeString(dir.resolve("team.token"), "team-token-0123456789\n");
    try (HubProcess hub = HubProcess.start(dir.resolve("hub"))) {
      String team = hub.endpoint() + "/team";
      ok("sync", c.toString(), team, "--token-file", token.toString());
      Run forked = chora("sync", d.toString(), team, "--token-file", token.toString());
      assertThat(forked.exit()).as(forked.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(forked.err()).contains("fork").contains("chora repair-fork");
      ok("repair-fork", d.toString(), "--against", team, "--token-file", token.toString());
      ok("sync", d.toString(), team, "--token-file", token.toString());
      ok("sync", c.toString(), team, "--token-file", token.toString());
      assertThat(rows(d)).contains("21|on c", "22|on d").isEqualTo(rows(c));
    }
  }

  @Test
  void statusTellsTheHubsStateAndPeersClocksLearnedThroughIt() throws Exception {
    replica("laptop");
    replica("phone");
    try (HubProcess hub = HubProcess.start(dir.resolve("hub"))) {
      String options =
          "&chora.hub=" + hub.endpoint() + "/team&chora.hub.token=team-token-0123456789";
      Path laptopDb = dir.resolve("laptop.db");
      try (Connection laptop =
              DriverManager.getConnection(
                  "jdbc:chora:" + laptopDb + "?chora.site=laptop" + options);
          Connection phone =
              DriverManager.getConnection(
                  "jdbc:chora:" + dir.resolve("phone.db") + "?chora.site=phone" + options)) {
        try (Statement st = laptop.createStatement()) {
          st.execute("INSERT INTO note VALUES (1, 'from laptop')");
        }
        // the phone never syncs with the laptop directly: what the laptop knows of it, it
        // learned through the hub, and the status must say the phone lacks nothing
        JsonNode status = awaitStatus(laptopDb, s -> peerLacks(s, "phone") == 0);
        JsonNode hubRow = status.get("hubs").get(0);
        assertThat(hubRow.get("endpoint").asText()).startsWith(hub.endpoint()).endsWith("/team");
        assertThat(hubRow.get("state").asText()).isEqualTo("connected, caught up");
        assertThat(hubRow.get("lacks").asLong()).isZero();
        assertThat(ok("status", laptopDb.toString()).out())
            .contains("HUB")
            .contains("connected, caught up");

        hub.close();
        JsonNode down =
            awaitStatus(
                laptopDb, s -> s.get("hubs").get(0).get("state").asText().startsWith("not conn"));
        assertThat(down.get("hubs").get(0).get("state").asText()).contains("hub");
      }
    }
  }

  private static long peerLacks(JsonNode status, String site) {
    for (JsonNode peer : status.get("peers")) {
      if (peer.get("site").asText().equals(site)) {
        return peer.get("lacks").asLong();
      }
    }
    return -1;
  }

  /** Polls {@code chora status --json} (the driver records the hub's news about once a second). */
  private static JsonNode awaitStatus(Path db, java.util.function.Predicate<JsonNode> wanted)
      throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      Run run = chora("status", db.toString(), "--json");
      if (run.exit() == 0) {
        status = JSON.readTree(run.out());
        if (status.get("hubs").size() > 0 && wanted.test(status)) {
          return status;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("chora status never showed it; last: " + status);
  }
}
