package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.QuarantinedEnvelope;
import io.chora.sync.SyncEvent;
import io.chora.sync.VectorClock;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    name = "status",
    description =
        "Show a replica: its site, clock, tracked tables, log size, open conflicts and the peers"
            + " it has exchanged changes with.")
final class StatusCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (ChoraConnection replica = Replicas.read(db)) {
      VectorClock clock = replica.clock();
      int conflicts = replica.conflicts().size();
      Map<String, SyncEvent> lastExchange = new LinkedHashMap<>();
      for (SyncEvent event : replica.syncHistory(1000)) {
        lastExchange.putIfAbsent(event.peer(), event);
      }
      List<Map<String, Object>> peers = new ArrayList<>();
      replica
          .peerClocks()
          .forEach(
              (site, peerClock) -> {
                Map<String, Object> peer = new LinkedHashMap<>();
                peer.put("site", site);
                peer.put("clock", peerClock.entries());
                peer.put("lacks", clock.aheadOf(peerClock));
                SyncEvent last = lastExchange.get(site);
                peer.put("lastExchange", last == null ? null : last.at().toString());
                peers.add(peer);
              });
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("database", db.toAbsolutePath().toString());
      status.put("site", replica.siteId());
      status.put("copy", replica.isCopy());
      status.put("clock", clock.entries());
      status.put("trackedTables", replica.trackedTables());
      status.put("logRowChanges", replica.logSize());
      status.put("openConflicts", conflicts);
      status.put("heldAside", replica.heldAside());
      Map<String, String> divergences = replica.divergences();
      status.put("divergences", divergences);
      List<QuarantinedEnvelope> held = replica.quarantined();
      status.put("heldBack", heldBack(held));
      status.put("peers", peers);
      List<Map<String, Object>> hubs = hubs(replica, clock);
      status.put("hubs", hubs);
      if (json) {
        Output.json(spec.commandLine().getOut(), status);
      } else {
        print(spec.commandLine().getOut(), status, peers, hubs, held);
      }
    }
    return ExitCode.OK;
  }

  /**
   * What the driver's hub client last wrote of its hub ({@code chora_hub}): this command only
   * looks, so it tells the state the app's connection saw, with when.
   */
  private static List<Map<String, Object>> hubs(ChoraConnection replica, VectorClock clock)
      throws java.sql.SQLException {
    List<Map<String, Object>> hubs = new ArrayList<>();
    try (java.sql.Statement st = replica.createStatement()) {
      try (java.sql.ResultSet rs =
          st.executeQuery("SELECT 1 FROM sqlite_schema WHERE name = 'chora_hub'")) {
        if (!rs.next()) {
          return hubs;
        }
      }
      try (java.sql.ResultSet rs =
          st.executeQuery("SELECT endpoint, state, clock, at FROM chora_hub ORDER BY endpoint")) {
        while (rs.next()) {
          VectorClock held = VectorClock.parse(rs.getString(3));
          Map<String, Object> hub = new LinkedHashMap<>();
          hub.put("endpoint", rs.getString(1));
          hub.put("state", rs.getString(2));
          hub.put("clock", held.entries());
          hub.put("lacks", clock.aheadOf(held));
          hub.put("at", java.time.Instant.ofEpochMilli(rs.getLong(4)).toString());
          hubs.add(hub);
        }
      }
    }
    return hubs;
  }

  /** Envelopes from the hub this replica cannot apply, and those waiting for them. */
  private static List<Map<String, Object>> heldBack(List<QuarantinedEnvelope> envelopes) {
    List<Map<String, Object>> held = new ArrayList<>();
    for (QuarantinedEnvelope q : envelopes) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("origin", q.origin());
      h.put("first", q.first());
      h.put("last", q.last());
      h.put("reason", q.reason());
      h.put("waitsFor", q.waitsFor());
      h.put("since", q.since().toString());
      h.put("attempts", q.attempts());
      held.add(h);
    }
    return held;
  }

  /** Peers found at this replica's clock with other rows: a bug or a write past capture. */
  private static String divergence(Map<?, ?> found) {
    if (found.isEmpty()) {
      return "none found (replicas at equal clocks held equal rows)";
    }
    List<String> parts = new ArrayList<>();
    found.forEach((peer, what) -> parts.add("with " + peer + ": " + what));
    return String.join("; ", parts) + " (see docs/merge-rules.md#divergence)";
  }

  /** What peers on another schema version sent for tables or columns this replica lacks. */
  private static String heldAside(Map<?, ?> held) {
    if (held.isEmpty()) {
      return "nothing (every change received is in the tables)";
    }
    List<String> parts = new ArrayList<>();
    held.forEach((table, count) -> parts.add(table + ": " + count));
    return String.join(", ", parts)
        + " (for tables or columns this replica lacks: peers run another schema version; they"
        + " move in when a migration adds them, see docs/schema-changes.md)";
  }

  private void print(
      PrintWriter out,
      Map<String, Object> status,
      List<Map<String, Object>> peers,
      List<Map<String, Object>> hubs,
      List<QuarantinedEnvelope> held) {
    List<?> tables = (List<?>) status.get("trackedTables");
    int conflicts = (Integer) status.get("openConflicts");
    Output.table(
        out,
        List.of(
            "replica",
            Boolean.TRUE.equals(status.get("copy"))
                ? "a copy of "
                    + status.get("site")
                    + " (it takes a new site id at its next writing"
                    + " open, keeping all history)"
                : String.valueOf(status.get("site"))),
        List.of(
            List.of("database", String.valueOf(status.get("database"))),
            List.of("clock", String.valueOf(status.get("clock"))),
            List.of(
                "tables",
                tables.isEmpty()
                    ? "none tracked (tables need a primary key)"
                    : tables.size() + " tracked: " + String.join(", ", asStrings(tables))),
            List.of(
                "log",
                Output.count(((Number) status.get("logRowChanges")).longValue(), "row change")),
            List.of(
                "conflicts",
                conflicts == 0
                    ? "none open"
                    : conflicts + " open (see: " + Chora.command("conflicts ") + db + ")"),
            List.of("held aside", heldAside((Map<?, ?>) status.get("heldAside"))),
            List.of("held back", HeldBack.describe(held)),
            List.of("divergence", divergence((Map<?, ?>) status.get("divergences"))),
            List.of("peers", peers.isEmpty() ? "none yet" : String.valueOf(peers.size()))));
    if (!hubs.isEmpty()) {
      out.println();
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> h : hubs) {
        rows.add(
            List.of(
                String.valueOf(h.get("endpoint")),
                String.valueOf(h.get("state")),
                Output.count(((Number) h.get("lacks")).longValue(), "transaction"),
                String.valueOf(h.get("at"))));
      }
      Output.table(out, List.of("HUB", "STATE (AS THE APP LAST SAW IT)", "LACKS", "AT"), rows);
    }
    if (!peers.isEmpty()) {
      out.println();
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> p : peers) {
        rows.add(
            List.of(
                String.valueOf(p.get("site")),
                String.valueOf(p.get("clock")),
                Output.count(((Number) p.get("lacks")).longValue(), "transaction"),
                p.get("lastExchange") == null ? "-" : String.valueOf(p.get("lastExchange"))));
      }
      Output.table(out, List.of("PEER", "LAST KNOWN CLOCK", "LACKS", "LAST EXCHANGE"), rows);
    }
  }

  private static List<String> asStrings(List<?> values) {
    return values.stream().map(String::valueOf).toList();
  }
}
