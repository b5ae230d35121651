package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code chora sync DB ws://HOST:PORT/WORKSPACE --token-file F}: one sync of a file through a hub,
 * done by the driver's own hub client (the file is opened with {@code chora.hub}). It waits until
 * the client is connected, caught up (the hub sent everything the file lacked) and the hub has
 * acknowledged every transaction of this replica, then closes, which stops the client.
 */
final class HubSync {
  static final Pattern HUB = Pattern.compile("wss?://[^/\\s]+/[A-Za-z0-9._-]{1,64}");

  /** The settled state is looked at twice this far apart: a merge may commit one more push. */
  private static final long SETTLE_MILLIS = 200;

  private HubSync() {}

  /**
   * Whether {@code target} names a hub rather than a file; an address of another scheme ({@code
   * http://}, {@code jdbc:}) is refused here, not looked for as a file called so.
   */
  static boolean isHub(String target) {
    if (target.startsWith("ws://") || target.startsWith("wss://")) {
      return true;
    }
    if (target.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") && !Files.exists(Path.of(target))) {
      throw new CliException(
          ExitCode.USAGE,
          "not a replica file nor a hub address: " + target,
          "give a hub as ws://HOST:PORT/WORKSPACE (or wss://), the URL chora.hub takes, or the"
              + " path of a replica's SQLite file");
    }
    return false;
  }

  static int run(
      Path db, String hub, Path tokenFile, Duration timeout, boolean json, PrintWriter out)
      throws SQLException, InterruptedException {
    if (!HUB.matcher(hub).matches()) {
      throw new CliException(
          ExitCode.USAGE,
          "not a hub address: " + hub,
          "give it as ws://HOST:PORT/WORKSPACE (or wss://), the URL chora.hub takes");
    }
    if (tokenFile == null) {
      throw new CliException(
          ExitCode.USAGE,
          "syncing through a hub needs --token-file F",
          "put the workspace's token in a file readable by you only, and name it");
    }
    Properties options = new Properties();
    options.setProperty("chora.hub", hub);
    options.setProperty("chora.hub.token", token(tokenFile));
    // this command reports the hub's trouble itself, once; the client's warnings would repeat it
    java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("io.chora.jdbc.hub");
    quiet.setLevel(java.util.logging.Level.OFF);
    try (ChoraConnection replica = Replicas.open(db, options)) {
      String site = replica.siteId();
      VectorClock before = replica.clock();
      long deadline = System.nanoTime() + timeout.toNanos();
      HubStatus status = replica.hubStatus();
      while (true) {
        if (!status.connected() && status.lastError() != null) {
          throw new CliException(
              ExitCode.FAILED,
              status.lastError(),
              status.lastError().contains("HTTP 401")
                  ? "check the token file and the workspace in " + hub + "; nothing was synced"
                  : status.lastError().contains("fork:")
                      ? "nothing was synced; keep both histories with "
                          + Chora.command("repair-fork ")
                          + db
                          + " --against "
                          + hub
                          + " --token-file "
                          + tokenFile
                      : "is the hub running at " + hub + "? nothing was synced");
        }
        if (settled(status) && settledAfterAWhile(replica)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new CliException(
              ExitCode.TIMED_OUT,
              "the sync through "
                  + hub
                  + " did not finish in "
                  + timeout.toSeconds()
                  + " s ("
                  + describe(status)
                  + ")",
              status.connected() && String.valueOf(status.lastError()).contains("deps missing:")
                  ? "the hub stores a transaction only after those it depends on, and a replica"
                      + " pushes only its own: sync the replicas of the sites named through this"
                      + " hub too, then run this again; what arrived is kept"
                  : "what arrived is kept, whole transactions; run it again to sync the rest");
        }
        Thread.sleep(20);
        status = replica.hubStatus();
      }
      if (!status.quarantined().isEmpty()) {
        throw new CliException(
            ExitCode.FAILED,
            "synced what could be applied, but this replica holds back "
                + HeldBack.describe(status.quarantined()),
            Chora.command("status ")
                + db
                + " lists them; they apply by themselves once this replica can (docs/quarantine.md)");
      }
      VectorClock after = replica.clock();
      long received = 0;
      for (Map.Entry<String, Long> e : after.entries().entrySet()) {
        if (!e.getKey().equals(site)) {
          received += e.getValue() - before.get(e.getKey());
        }
      }
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("hub", hub);
        result.put("database", db.toAbsolutePath().toString());
        result.put("site", site);
        result.put("transactionsReceived", received);
        result.put("hubHoldsUpTo", after.get(site));
        result.put("clock", after.entries());
        Output.json(out, result);
      } else {
        out.printf(
            "Synced %s through %s: received %s; the hub holds all of %s's, %s%n",
            db.getFileName(),
            hub,
            Output.count(received, "transaction"),
            site,
            Output.count(after.get(site), "transaction"));
        out.println("  clock " + after);
        out.flush();
      }
      return ExitCode.OK;
    }
  }

  private static boolean settled(HubStatus s) {
    return s.connected() && s.caughtUp() && s.pendingTransactions() == 0;
  }

  private static boolean settledAfterAWhile(ChoraConnection replica)
      throws SQLException, InterruptedException {
    VectorClock clock = replica.clock();
    Thread.sleep(SETTLE_MILLIS);
    return settled(replica.hubStatus()) && replica.clock().equals(clock);
  }

  private static String describe(HubStatus s) {
    if (!s.connected()) {
      return "not connected" + (s.lastError() == null ? "" : ": " + s.lastError());
    }
    if (!s.caughtUp()) {
      return "connected, still receiving";
    }
    String waiting =
        Output.count(s.pendingTransactions(), "transaction")
            + " of this replica's not yet acknowledged";
    return s.lastError() == null ? waiting : waiting + ": " + s.lastError();
  }

  static String token(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          e instanceof java.nio.file.NoSuchFileException
              ? "there is no token file " + file
              : "cannot read the token file " + file + ": " + e.getMessage(),
          "--token-file names a file holding the workspace's token");
    }
    if (token.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "the token file " + file + " is empty");
    }
    return token;
  }
}
