package io.chora.cli;

import io.chora.hub.LogPurge;
import io.chora.hub.StoreUrl;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chora hub purge}: removes an origin's envelopes no replica can apply (docs/quarantine.md).
 */
@Command(
    name = "purge",
    description = {
      "Remove an origin's stored envelopes from a seq on, with the hub stopped"
          + " (every instance, on a PostgreSQL store).",
      "For an envelope no replica can read or apply, which replicas hold back"
          + " (chora status shows it).",
      "Envelopes of other origins that depend on what goes are named, and removed only with"
          + " --with-dependents.",
      "Replicas stop holding them back when they reconnect."
    })
final class HubPurgeCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HubStoreOption hub;

  @Option(
      names = "--workspace",
      required = true,
      paramLabel = "WORKSPACE",
      description = "the workspace")
  String workspace;

  @Option(
      names = "--origin",
      required = true,
      paramLabel = "SITE",
      description = "the site whose envelopes go")
  String origin;

  @Option(
      names = "--from",
      defaultValue = "1",
      paramLabel = "SEQ",
      description = "the first seq removed; it must start an envelope (default: ${DEFAULT-VALUE})")
  long from;

  @Option(
      names = "--with-dependents",
      description = "also remove other origins' envelopes that depend on what goes")
  boolean withDependents;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LogPurge.Result result;
    try {
      StoreUrl store = hub.store();
      result =
          store == null
              ? LogPurge.purge(hub.data, workspace, origin, from, withDependents)
              : LogPurge.purge(store, workspace, origin, from, withDependents);
    } catch (LogPurge.Refused refused) {
      throw new CliException(ExitCode.FAILED, refused.getMessage(), "nothing was removed");
    } catch (io.chora.hub.StoreUnreachable unreachable) {
      throw unreachable; // Failures tells it with its hint
    } catch (java.io.IOException busy) {
      throw new CliException(
          ExitCode.FAILED, busy.getMessage(), "stop the hub, purge, then start it again");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("workspace", workspace);
      r.put("removed", result.removed());
      r.put("holdsUpTo", result.holdsUpTo());
      Output.json(out, r);
    } else {
      out.println(
          "Removed "
              + Output.count(result.removed().size(), "envelope")
              + " from workspace "
              + workspace
              + ": "
              + String.join(", ", result.removed()));
      result
          .holdsUpTo()
          .forEach(
              (site, seq) ->
                  out.println(
                      "  the hub now holds "
                          + (seq == 0 ? "nothing of " + site : site + " up to " + seq)));
      out.flush();
    }
    return ExitCode.OK;
  }
}
