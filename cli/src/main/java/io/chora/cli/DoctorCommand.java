package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.QuarantinedEnvelope;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chora doctor DB}: checks a replica and says what to fix (docs/cli.md#doctor). */
@Command(
    name = "doctor",
    description = {
      "Check a replica and say what to fix.",
      "Looks at the SQLite file's integrity, chora's capture triggers, its site, what it holds"
          + " back or found diverging, and (with --hub) whether the hub takes its token.",
      "Only looks: the file is never written. Exits 1 when something needs fixing."
    })
final class DoctorCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Option(
      names = "--hub",
      paramLabel = "ws://HOST:PORT/WORKSPACE",
      description = "also check that this hub is reachable and takes the token")
  String hub;

  @Option(names = "--token-file", paramLabel = "FILE", description = "the workspace's token")
  Path tokenFile;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** One check: what was looked at, what was found, and what to do when it is a problem. */
  record Check(String name, boolean ok, String found, String fix) {}

  @Override
  public Integer call() throws Exception {
    Replicas.check(db);
    if (hub != null && tokenFile == null) {
      throw new CliException(
          ExitCode.USAGE, "checking a hub needs --token-file F", "the file your app's token is in");
    }
    String file = db.toAbsolutePath().toString();
    List<Check> checks = new ArrayList<>();
    try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file + "?open_mode=1")) {
      checks.add(DoctorChecks.integrity(plain));
      Replicas.Kind kind = Replicas.kind(file);
      if (kind != Replicas.Kind.JAVA) {
        checks.add(
            new Check(
                "replica",
                false,
                kind == Replicas.Kind.NATIVE
                    ? "a cr-sqlite (native mode) replica: doctor checks java-mode replicas"
                    : "not a chora replica yet",
                "open it once through jdbc:chora:" + file + "?chora.site=NAME, as your app will"));
        return report(checks);
      }
      Answers driver = driverAnswers();
      checks.add(DoctorChecks.site(plain, driver.copy()));
      checks.add(DoctorChecks.capture(plain, driver.captureCurrent()));
    }
    checks.addAll(replicaState());
    if (hub != null) {
      checks.add(DoctorChecks.hub(hub, HubSync.token(tokenFile)));
    }
    return report(checks);
  }

  /** What the driver says of the file, each null when it cannot open it read-only. */
  private record Answers(Boolean captureCurrent, Boolean copy) {}

  /**
   * The driver's own answers whether its triggers are current and whether the file is a copy of the
   * replica it names ({@link ChoraConnection#isCopy}).
   */
  private Answers driverAnswers() {
    try (ChoraConnection replica = Replicas.read(db)) {
      return new Answers(replica.captureCurrent(), replica.isCopy());
    } catch (CliException | SQLException cannot) {
      return new Answers(null, null); // replicaState() reports it
    }
  }

  /** What the driver tells of the replica, read-only; a file it cannot open so is a check too. */
  private List<Check> replicaState() {
    List<Check> checks = new ArrayList<>();
    try (ChoraConnection replica = Replicas.read(db)) {
      List<QuarantinedEnvelope> held = replica.quarantined();
      checks.add(
          new Check(
              "held back",
              held.isEmpty(),
              HeldBack.describe(held),
              "they apply by themselves once this replica can; an envelope no replica can read is"
                  + " removed on the hub with "
                  + Chora.command("hub purge")
                  + " (docs/quarantine.md)"));
      Map<String, String> diverged = replica.divergences();
      checks.add(
          new Check(
              "divergence",
              diverged.isEmpty(),
              diverged.isEmpty() ? "none found" : String.valueOf(diverged),
              "keep copies of both files and report it; write the right value through chora, or"
                  + " make this replica anew from a good one with "
                  + Chora.command("clone")
                  + " (docs/merge-rules.md#divergence)"));
      int conflicts = replica.conflicts().size();
      checks.add(
          new Check(
              "conflicts",
              true,
              conflicts == 0
                  ? "none open"
                  : conflicts + " open (" + Chora.command("conflicts ") + db + ")",
              null));
    } catch (CliException cannot) {
      checks.add(new Check("state", false, cannot.getMessage(), cannot.hint()));
    } catch (SQLException e) {
      checks.add(new Check("state", false, "cannot read chora's state: " + e.getMessage(), null));
    }
    return checks;
  }

  private int report(List<Check> checks) {
    PrintWriter out = spec.commandLine().getOut();
    boolean healthy = checks.stream().allMatch(Check::ok);
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Check c : checks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", c.name());
        m.put("ok", c.ok());
        m.put("found", c.found());
        m.put("fix", c.ok() ? null : c.fix());
        list.add(m);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("database", db.toAbsolutePath().toString());
      result.put("healthy", healthy);
      result.put("checks", list);
      Output.json(out, result);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Check c : checks) {
        rows.add(List.of(c.name(), c.ok() ? "ok" : "PROBLEM", c.found()));
      }
      Output.table(out, List.of("CHECK", "", "FOUND"), rows);
      for (Check c : checks) {
        if (!c.ok() && c.fix() != null) {
          out.println();
          out.println(c.name() + ": " + c.fix());
        }
      }
      out.println();
      out.println(healthy ? db + " looks healthy" : db + " needs the fixes above");
      out.flush();
    }
    return healthy ? ExitCode.OK : ExitCode.FAILED;
  }
}
