package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Conflict;
import io.chora.sync.Hlc;
import io.chora.sync.SqlValues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "conflicts",
    description =
        "List what merges gave up (a cell's losing value, or a row removed to keep a UNIQUE or"
            + " FOREIGN KEY rule); restore one as a new write, or dismiss it.")
final class ConflictsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @ArgGroup(exclusive = true)
  Action action;

  static final class Action {
    @Option(
        names = "--restore",
        paramLabel = "ID",
        description = "write the lost value (or row) back as a new local change that syncs")
    Long restore;

    @Option(names = "--dismiss", paramLabel = "ID", description = "keep the winner, close it")
    Long dismiss;
  }

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ChoraConnection replica = action == null ? Replicas.read(db) : Replicas.open(db)) {
      if (action != null) {
        long id = action.restore != null ? action.restore : action.dismiss;
        requireOpen(replica, id);
        if (action.restore != null) {
          replica.restoreConflict(id);
        } else {
          replica.dismissConflict(id);
        }
        String done = action.restore != null ? "restored" : "dismissed";
        if (json) {
          Output.json(out, Map.of("id", id, "status", done));
        } else {
          out.println("conflict " + id + " " + done);
        }
        return ExitCode.OK;
      }
      List<Conflict> open = replica.conflicts();
      if (json) {
        Output.json(out, open.stream().map(ConflictsCommand::asJson).toList());
      } else if (open.isEmpty()) {
        out.println("no open conflicts: every merge so far agreed");
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Conflict c : open) {
          rows.add(
              List.of(
                  String.valueOf(c.id()),
                  c.kind().name().toLowerCase(java.util.Locale.ROOT),
                  c.table() + c.key(),
                  c.column(),
                  kept(c),
                  lost(c),
                  when(c.lostHlc())));
        }
        Output.table(
            out, List.of("ID", "KIND", "ROW", "COLUMN", "KEPT", "LOST", "LOST WRITTEN"), rows);
        out.println();
        out.println("restore a lost value: " + Chora.command("conflicts ") + db + " --restore ID");
      }
      out.flush();
    }
    return ExitCode.OK;
  }

  /**
   * A cell conflict names the kept value; a row that gave way under its key keeps no value of its
   * own: the row now at the key, if any.
   */
  private static String kept(Conflict c) {
    String by = c.keptDot() == null ? "" : " (" + c.keptDot() + ")";
    if (c.kind() == Conflict.Kind.SAME_KEY) {
      return (c.keptDot() == null ? "no row" : "the row now there") + by;
    }
    return SqlValues.format(c.kept()) + by;
  }

  /** The lost value, or for a row conflict the lost row's values (restore brings them back). */
  private static String lost(Conflict c) {
    String by = c.lostDot() == null ? "" : " (" + c.lostDot() + ")";
    if (c.lost() == null && !c.lostRow().isEmpty()) {
      StringBuilder row = new StringBuilder("{");
      c.lostRow()
          .forEach(
              (column, value) ->
                  row.append(row.length() > 1 ? ", " : "")
                      .append(column)
                      .append('=')
                      .append(SqlValues.format(value)));
      return row.append('}') + by;
    }
    return SqlValues.format(c.lost()) + by;
  }

  private static void requireOpen(ChoraConnection replica, long id) throws Exception {
    if (replica.conflicts().stream().noneMatch(c -> c.id() == id)) {
      throw new CliException(
          ExitCode.FAILED,
          "no open conflict " + id,
          "list the open ones with: " + Chora.command("conflicts DB"));
    }
  }

  private static String when(long hlc) {
    return hlc == 0 ? "-" : Instant.ofEpochMilli(Hlc.millis(hlc)).toString();
  }

  private static Map<String, Object> asJson(Conflict c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("kind", c.kind().name());
    m.put("table", c.table());
    m.put("key", c.key());
    m.put("column", c.column());
    m.put("kept", c.kept());
    m.put("keptBy", c.keptDot() == null ? null : c.keptDot().toString());
    m.put("keptAt", c.keptHlc() == 0 ? null : when(c.keptHlc()));
    m.put("lost", c.lost());
    m.put("lostBy", c.lostDot() == null ? null : c.lostDot().toString());
    m.put("lostAt", c.lostHlc() == 0 ? null : when(c.lostHlc()));
    m.put("lostRow", c.lostRow().isEmpty() ? null : c.lostRow());
    m.put("status", c.status().name());
    return m;
  }
}
