package io.chora.hub;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An admin's removal of an origin's stored envelopes from a seq on ({@code chora hub purge}), for
 * an envelope no replica can apply (docs/quarantine.md). The hub must be stopped: {@link HubLock}
 * for the SQLite store; for a PostgreSQL store every instance on it ({@link
 * PgNotifier#RUNNING_LOCK}), since each keeps the clock in memory. The log stays causal: envelopes
 * of other origins that depend on a removed one are removed too when asked for, else the purge is
 * refused naming them. Replicas then stop holding the removed envelopes back, and a real device
 * behind the origin pushes again what it still has.
 */
public final class LogPurge {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was removed, by {@code origin first..last}, and what the log now holds per origin cut. */
  public record Result(List<String> removed, Map<String, Long> holdsUpTo) {}

  /** A purge that would do something else than asked, refused with the log unchanged. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private record Stored(long id, String origin, long first, long last, Map<String, Long> deps) {
    String name() {
      return origin + " " + first + ".." + last;
    }
  }

  private LogPurge() {}

  /** Purges {@code workspace}'s SQLite log in {@code dataDir} (the default store). */
  public static Result purge(
      Path dataDir, String workspace, String origin, long from, boolean withDependents)
      throws IOException, SQLException, Refused {
    checkName(workspace);
    Path log = Workspaces.logFile(dataDir, workspace);
    if (!Files.isRegularFile(log)) {
      throw new Refused("there is no workspace " + workspace + " in " + dataDir.toAbsolutePath());
    }
    try (HubLock lock = HubLock.take(dataDir);
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + log.toAbsolutePath())) {
      db.setAutoCommit(false);
      return purge(db, null, origin, from, withDependents);
    }
  }

  /**
   * Purges {@code workspace} in the PostgreSQL {@code store}, all of whose hubs must be stopped.
   */
  public static Result purge(
      StoreUrl store, String workspace, String origin, long from, boolean withDependents)
      throws IOException, SQLException, Refused {
    checkName(workspace);
    Properties props = new Properties();
    if (store.password() != null) {
      props.setProperty("password", store.password());
    }
    props.setProperty("currentSchema", PgSchema.SCHEMA);
    Connection opened;
    try {
      opened = DriverManager.getConnection(store.url(), props);
    } catch (SQLException e) {
      throw StoreUnreachable.of("purge", store, e);
    }
    try (Connection db = opened) {
      db.setAutoCommit(false);
      try (Statement st = db.createStatement();
          ResultSet alone =
              st.executeQuery(
                  "SELECT pg_try_advisory_xact_lock(" + PgNotifier.RUNNING_LOCK + ")")) {
        alone.next();
        if (!alone.getBoolean(1)) {
          throw new Refused(
              "hub instances are running on " + store + ": stop every one, purge, then start them");
        }
      }
      try (PreparedStatement ps =
          db.prepareStatement("SELECT 1 FROM workspace WHERE ws = ? FOR UPDATE")) {
        ps.setString(1, workspace);
        try (ResultSet exists = ps.executeQuery()) {
          if (!exists.next()) {
            throw new Refused("there is no workspace " + workspace + " in " + store);
          }
        }
      }
      return purge(db, workspace, origin, from, withDependents);
    }
  }

  private static void checkName(String workspace) throws Refused {
    if (!HubConfig.WORKSPACE_NAME.matcher(workspace).matches()) {
      throw new Refused("not a workspace name: " + workspace);
    }
  }

  /**
   * The purge in {@code db}'s open transaction, committed if it goes through; {@code ws} scopes
   * every statement to one workspace of a PostgreSQL store (null for a SQLite file, which holds
   * one).
   */
  private static Result purge(
      Connection db, String ws, String origin, long from, boolean withDependents)
      throws SQLException, Refused {
    List<Stored> stored = read(db, ws);
    check(stored, origin, from);
    Map<String, Long> cut = new TreeMap<>(Map.of(origin, from));
    List<Stored> removed = new ArrayList<>();
    for (Stored s : stored) { // arrival order is causal: what depends on a removed one follows
      if (removes(s, cut)) {
        cut.putIfAbsent(s.origin(), s.first());
        removed.add(s);
      }
    }
    List<String> others =
        removed.stream().filter(s -> !s.origin().equals(origin)).map(Stored::name).toList();
    if (!others.isEmpty() && !withDependents) {
      throw new Refused(
          "envelopes of other origins depend on what would be removed: "
              + String.join(", ", others)
              + "; add --with-dependents to remove them too (their devices push them again"
              + " only if they still depend on nothing removed)");
    }
    delete(db, ws, removed, cut);
    db.commit();
    Map<String, Long> holds = new TreeMap<>();
    cut.forEach((site, first) -> holds.put(site, first - 1));
    return new Result(removed.stream().map(Stored::name).toList(), holds);
  }

  /** {@code sql}, whose WHERE ends it, limited to {@code ws} when there is one (bound last). */
  private static PreparedStatement scoped(Connection db, String ws, String sql, int wsIndex)
      throws SQLException {
    PreparedStatement ps = db.prepareStatement(ws == null ? sql : sql + " AND ws = ?");
    if (ws != null) {
      ps.setString(wsIndex, ws);
    }
    return ps;
  }

  private static boolean removes(Stored s, Map<String, Long> cut) {
    Long own = cut.get(s.origin());
    if (own != null && s.last() >= own) {
      return true;
    }
    for (Map.Entry<String, Long> d : s.deps().entrySet()) {
      Long c = cut.get(d.getKey());
      if (c != null && d.getValue() >= c) {
        return true;
      }
    }
    return false;
  }

  /** {@code from} must start one of the origin's stored envelopes: they are removed whole. */
  private static void check(List<Stored> stored, String origin, long from) throws Refused {
    List<Long> starts = new ArrayList<>();
    long holds = 0;
    for (Stored s : stored) {
      if (s.origin().equals(origin)) {
        starts.add(s.first());
        holds = Math.max(holds, s.last());
        if (s.first() < from && from <= s.last()) {
          throw new Refused(
              "seq "
                  + from
                  + " is inside the envelope "
                  + s.name()
                  + ", which is removed whole or not at all: use --from "
                  + s.first()
                  + " or --from "
                  + (s.last() + 1));
        }
      }
    }
    if (from < 1 || from > holds) {
      throw new Refused(
          "the hub holds "
              + (holds == 0 ? "nothing of " + origin : origin + " up to " + holds)
              + ": nothing to remove from seq "
              + from
              + (starts.isEmpty() ? "" : " (its envelopes start at " + starts + ")"));
    }
  }

  private static List<Stored> read(Connection db, String ws) throws SQLException {
    List<Stored> stored = new ArrayList<>();
    String sql = "SELECT id, origin, first, last, deps FROM envelope WHERE 1 = 1";
    try (PreparedStatement ps =
        db.prepareStatement(sql + (ws == null ? "" : " AND ws = ?") + " ORDER BY id")) {
      if (ws != null) {
        ps.setString(1, ws);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.add(
              new Stored(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  deps(rs.getString(5))));
        }
      }
    }
    return stored;
  }

  private static Map<String, Long> deps(String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<HashMap<String, Long>>() {});
    } catch (IOException e) {
      throw new SQLException("a stored envelope's deps cannot be read: " + e.getMessage(), e);
    }
  }

  private static void delete(Connection db, String ws, List<Stored> removed, Map<String, Long> cut)
      throws SQLException {
    try (PreparedStatement st = scoped(db, ws, "DELETE FROM envelope WHERE id = ?", 2)) {
      for (Stored s : removed) {
        st.setLong(1, s.id());
        st.executeUpdate();
      }
    }
    try (PreparedStatement lower = scoped(db, ws, "UPDATE clock SET last = ? WHERE origin = ?", 3);
        PreparedStatement drop = scoped(db, ws, "DELETE FROM clock WHERE origin = ?", 2)) {
      for (Map.Entry<String, Long> c : cut.entrySet()) {
        if (c.getValue() <= 1) {
          drop.setString(1, c.getKey());
          drop.executeUpdate();
        } else {
          lower.setLong(1, c.getValue() - 1);
          lower.setString(2, c.getKey());
          lower.executeUpdate();
        }
      }
    }
  }
}
