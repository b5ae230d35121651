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
import java.util.TreeMap;

/**
 * An admin's removal of an origin's stored envelopes from a seq on ({@code chora hub purge}), for
 * an envelope no replica can apply (docs/quarantine.md). The hub must be stopped ({@link HubLock}).
 * The log stays causal: envelopes of other origins that depend on a removed one are removed too
 * when asked for, else the purge is refused naming them. Replicas then stop holding the removed
 * envelopes back, and a real device behind the origin pushes again what it still has.
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

  public static Result purge(
      Path dataDir, String workspace, String origin, long from, boolean withDependents)
      throws IOException, SQLException, Refused {
    if (!HubConfig.WORKSPACE_NAME.matcher(workspace).matches()) {
      throw new Refused("not a workspace name: " + workspace);
    }
    Path log = Workspaces.logFile(dataDir, workspace);
    if (!Files.isRegularFile(log)) {
      throw new Refused("there is no workspace " + workspace + " in " + dataDir.toAbsolutePath());
    }
    try (HubLock lock = HubLock.take(dataDir);
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + log.toAbsolutePath())) {
      db.setAutoCommit(false);
      List<Stored> stored = read(db);
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
      delete(db, removed, cut);
      db.commit();
      Map<String, Long> holds = new TreeMap<>();
      cut.forEach((site, first) -> holds.put(site, first - 1));
      return new Result(removed.stream().map(Stored::name).toList(), holds);
    }
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

  private static List<Stored> read(Connection db) throws SQLException, IOException {
    List<Stored> stored = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT id, origin, first, last, deps FROM envelope ORDER BY id")) {
      while (rs.next()) {
        Map<String, Long> deps =
            JSON.readValue(rs.getString(5), new TypeReference<HashMap<String, Long>>() {});
        stored.add(new Stored(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), deps));
      }
    }
    return stored;
  }

  private static void delete(Connection db, List<Stored> removed, Map<String, Long> cut)
      throws SQLException {
    try (PreparedStatement st = db.prepareStatement("DELETE FROM envelope WHERE id = ?")) {
      for (Stored s : removed) {
        st.setLong(1, s.id());
        st.executeUpdate();
      }
    }
    try (PreparedStatement lower =
            db.prepareStatement("UPDATE clock SET last = ? WHERE origin = ?");
        PreparedStatement drop = db.prepareStatement("DELETE FROM clock WHERE origin = ?")) {
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
