package io.chora.cli;

import io.chora.cli.DoctorCommand.Check;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The checks of {@code chora doctor} that read the file itself, or ask the hub. */
final class DoctorChecks {
  /** Tables each replica keeps for itself (migration tools' history): never captured. */
  private static final Set<String> OWN_HISTORY =
      Set.of("flyway_schema_history", "databasechangelog", "databasechangeloglock");

  private static final Duration HUB_TIMEOUT = Duration.ofSeconds(10);

  private DoctorChecks() {}

  static Check integrity(Connection plain) throws SQLException {
    List<String> found = lines(plain, "PRAGMA quick_check");
    boolean ok = found.equals(List.of("ok"));
    return new Check(
        "integrity",
        ok,
        ok
            ? "ok (PRAGMA quick_check)"
            : String.join("; ", found.subList(0, Math.min(5, found.size()))),
        "the file is damaged: restore it from a backup, or make this replica anew from a healthy"
            + " one ("
            + Chora.command("clone GOOD NEW")
            + ") and let the app use the new file");
  }

  /**
   * The site the file writes as; for a copy ({@code copy}, from the driver: copied, restored or
   * moved to another disk), the replica it is a copy of and what its next writing open does. A copy
   * is no problem: it never writes under the original's name.
   */
  static Check site(Connection plain, Boolean copy) throws SQLException {
    String site = meta(plain, "site");
    String found =
        site == null
            ? "no site id"
            : Boolean.TRUE.equals(copy)
                ? "a copy of replica '"
                    + site
                    + "' (copied, restored or moved to another disk): it takes a new site id at"
                    + " its next writing open, keeping all history (a move of the only file keeps"
                    + " the name when opened with chora.site="
                    + site
                    + ")"
                : "writes as '" + site + "'";
    return new Check(
        "site",
        site != null,
        found,
        "open it through jdbc:chora: once (your app, or "
            + Chora.command("sync")
            + ") to give it one");
  }

  /**
   * Capture: every synced table has its three triggers, and the driver finds them current ({@code
   * current}, from {@link io.chora.jdbc.ChoraConnection#captureCurrent}; null when the replica
   * could not be opened, which a later check reports). A trigger dropped by hand means writes made
   * since were not recorded.
   */
  static Check capture(Connection plain, Boolean current) throws SQLException {
    List<String> missing = new ArrayList<>();
    int tables = 0;
    try (Statement st = plain.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT t.id, t.name FROM chora_tables t JOIN sqlite_schema s ON s.type = 'table'"
                    + " AND s.name = t.name ORDER BY t.name")) {
      while (rs.next()) {
        String table = rs.getString(2);
        if (OWN_HISTORY.contains(table) || !hasPrimaryKey(plain, table)) {
          continue;
        }
        tables++;
        for (String kind : List.of("ins", "upd", "del")) {
          String trigger = "chora_" + rs.getLong(1) + "_" + kind;
          if (!exists(plain, "trigger", trigger)) {
            missing.add(table + " (" + trigger + ")");
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      return new Check(
          "capture",
          false,
          "triggers missing on " + String.join(", ", missing),
          "writes to these tables since the triggers went were not recorded and will not sync:"
              + " open the file through jdbc:chora: (your app, or "
              + Chora.command("sync")
              + ") and chora makes them again; then compare with a peer ("
              + Chora.command("sync")
              + ") to see whether rows differ");
    }
    return new Check(
        "capture",
        true,
        Output.count(tables, "synced table")
            + ", triggers in place"
            + (Boolean.FALSE.equals(current)
                ? "; not yet rebuilt for the schema as it is now (another program changed it, or"
                    + " an older chora made them): the next open through jdbc:chora: does that"
                : ""),
        null);
  }

  /** Whether the hub at {@code endpoint} takes {@code token} for a WebSocket upgrade. */
  static Check hub(String endpoint, String token) {
    if (!HubSync.HUB.matcher(endpoint).matches()) {
      throw new CliException(
          ExitCode.USAGE,
          "not a hub address: " + endpoint,
          "give it as ws://HOST:PORT/WORKSPACE (or wss://), the URL chora.hub takes");
    }
    int slash = endpoint.lastIndexOf('/'); // the protocol's path: /v1/WORKSPACE
    URI uri = URI.create(endpoint.substring(0, slash) + "/v1" + endpoint.substring(slash));
    HttpClient http = HttpClient.newBuilder().connectTimeout(HUB_TIMEOUT).build();
    try {
      WebSocket ws =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .connectTimeout(HUB_TIMEOUT)
              .buildAsync(uri, new WebSocket.Listener() {})
              .get(HUB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      ws.abort();
      return new Check("hub", true, endpoint + " is reachable and takes the token", null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        int status = refused.getResponse().statusCode();
        return new Check(
            "hub",
            false,
            endpoint + " refused the connection with HTTP " + status,
            status == 401
                ? "the token or the workspace is wrong: check --token-file and the workspace in the"
                    + " address (the app's chora.hub.token and chora.hub)"
                : "is it a chora hub? check the address");
      }
      return unreachable(endpoint, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      return unreachable(endpoint, e);
    }
  }

  private static Check unreachable(String endpoint, Throwable why) {
    return new Check(
        "hub",
        false,
        "cannot reach "
            + endpoint
            + ": "
            + (why instanceof java.net.ConnectException
                ? "nothing answers there (connection refused)"
                : why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage()),
        "is the hub running ("
            + Chora.command("hub --port PORT --data DIR …")
            + ") and the address right?");
  }

  private static boolean hasPrimaryKey(Connection plain, String table) throws SQLException {
    try (PreparedStatement st =
        plain.prepareStatement("SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0")) {
      st.setString(1, table);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }

  private static boolean exists(Connection plain, String type, String name) throws SQLException {
    try (PreparedStatement st =
        plain.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = ? AND name = ?")) {
      st.setString(1, type);
      st.setString(2, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String meta(Connection plain, String key) throws SQLException {
    try (PreparedStatement st =
        plain.prepareStatement("SELECT value FROM chora_meta WHERE key = ?")) {
      st.setString(1, key);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static List<String> lines(Connection plain, String sql) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement st = plain.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return lines;
  }
}
