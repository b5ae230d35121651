package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "repair-fork",
    description = {
      "Keep both histories of a fork: DB and the other side (a replica file, or a hub) hold"
          + " different transactions under one site's dots, which sync refuses. DB's"
          + " transactions of that site from the first one that differs move to a new site;"
          + " then sync as usual.",
      "Against a hub, the hub's history is read into a temporary file first. Run it on the side"
          + " that was refused; a third replica that got the same branch runs it too and moves it"
          + " to the same name."
    })
final class RepairForkCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the replica whose side moves")
  Path db;

  @Option(
      names = "--against",
      required = true,
      paramLabel = "OTHER",
      description = "the other side: a replica's SQLite file, or a hub:%nws://HOST:PORT/WORKSPACE")
  String against;

  @Option(
      names = "--site",
      paramLabel = "NAME",
      converter = SiteIdConverter.class,
      description = "the new site's id (default: SITE.fork.<hex>, named after the branch)")
  String site;

  @picocli.CommandLine.Mixin HubOptions hubOptions;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean hub = HubSync.isHub(against);
    if (!hub) {
      hubOptions.refuseWithoutHub();
    }
    Path temp = null;
    try (ChoraConnection replica = Replicas.open(db)) {
      Path other;
      if (hub) {
        temp = Files.createTempDirectory("chora-repair-fork").resolve("hub.db");
        copySchema(replica, temp);
        HubSync.run(
            temp,
            against,
            hubOptions.tokenFile,
            hubOptions.timeout(),
            false,
            new PrintWriter(new StringWriter()));
        other = temp;
      } else {
        other = Path.of(against);
      }
      String before = replica.siteId();
      String moved;
      try (ChoraConnection peer = Replicas.open(other)) {
        moved = replica.repairFork(peer, site);
      }
      report(before, moved, replica.siteId());
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
        Files.deleteIfExists(Path.of(temp + "-wal"));
        Files.deleteIfExists(Path.of(temp + "-shm"));
        Files.deleteIfExists(temp.getParent());
      }
    }
    return ExitCode.OK;
  }

  private void report(String before, String moved, String now) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("database", db.toAbsolutePath().toString());
      result.put("movedTo", moved);
      result.put("siteBefore", before);
      result.put("site", now);
      Output.json(out, result);
      return;
    }
    out.printf("moved %s's side of the fork to site '%s'%n", db.getFileName(), moved);
    if (!now.equals(before)) {
      out.printf("  %s now writes as '%s' (was '%s')%n", db.getFileName(), now, before);
    }
    out.printf(
        "  next: %s %s %s%s%n",
        Chora.command("sync"),
        db,
        against,
        HubSync.isHub(against) ? " --token-file " + hubOptions.tokenFile : "");
    out.flush();
  }

  /** The app's tables, so that the hub's changes to them can be applied to a fresh file. */
  private static void copySchema(ChoraConnection from, Path to) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = from.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL"
                    + " AND name NOT LIKE 'chora\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%'"
                    + " ESCAPE '\\' ORDER BY rowid")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    try (java.sql.Connection fresh = java.sql.DriverManager.getConnection("jdbc:chora:" + to);
        Statement st = fresh.createStatement()) {
      for (String ddl : tables) {
        st.execute(ddl);
      }
    }
  }
}
