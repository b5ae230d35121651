package io.chora.jdbc.hub;

import java.net.URI;
import java.nio.file.Path;

/**
 * How a hub client's troubles read: a WARNING when a new kind begins and an INFO line when it is
 * over, so a client retrying the same trouble stays quiet; what a failure means in words; what to
 * run when the hub refused the file. Used on the client's worker thread only.
 */
final class TroubleLog {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc.hub");

  private final Path database;
  private Trouble warned; // what was last logged as a WARNING

  TroubleLog(Path database) {
    this.database = database;
  }

  /** The trouble last warned of, or null when none is going on. */
  Trouble warned() {
    return warned;
  }

  /** Logs {@code problem} at WARNING if it is a new kind of trouble, else at DEBUG. */
  void warn(Trouble trouble, String problem) {
    if (trouble == warned) {
      LOG.log(System.Logger.Level.DEBUG, "chora hub: {0}: {1}", database, problem);
      return;
    }
    warned = trouble;
    LOG.log(
        System.Logger.Level.WARNING,
        "chora hub: {0}: {1} (retrying; no more warnings until this changes)",
        database,
        problem);
  }

  /** The trouble last warned of is over. */
  void recovered(String what) {
    if (warned != null) {
      warned = null;
      LOG.log(System.Logger.Level.INFO, "chora hub: {0}: {1}", database, what);
    }
  }

  /**
   * What to run when the hub refused this file as a fork (its reasons start with "fork:") or as a
   * replica away past its retention ("re-bootstrap:"); empty for other reasons.
   */
  String whatToRun(String reason, URI endpoint) {
    if (reason != null && reason.startsWith("re-bootstrap:")) {
      return "; open a new, empty database file with this chora.hub (it starts from the hub's"
          + " snapshot) or chora clone an up-to-date replica; transactions of this file the hub"
          + " lacks stay only here (docs/hub.md#snapshots-and-compaction)";
    }
    return reason == null || !reason.startsWith("fork:")
        ? ""
        : "; keep both histories: chora repair-fork "
            + database
            + " --against "
            + endpoint
            + " --token-file F, then this file syncs again";
  }

  /** A refused WebSocket upgrade is a refusal; any other failure to connect leaves it unreached. */
  static Trouble kindOf(Throwable error) {
    return unwrapped(error) instanceof java.net.http.WebSocketHandshakeException
        ? Trouble.REFUSED
        : Trouble.UNREACHABLE;
  }

  /** A failure to connect or send, in words a user can act on. */
  static String describe(Throwable error) {
    Throwable t = unwrapped(error);
    if (t instanceof java.net.http.WebSocketHandshakeException refused) {
      int status = refused.getResponse().statusCode();
      return "the hub refused the connection with HTTP "
          + status
          + (status == 401 ? " (wrong chora.hub.token, or no such workspace on the hub)" : "");
    }
    if (t instanceof java.net.ConnectException) { // its message is null or the OS's errno text
      return "nothing answers there (connection refused)";
    }
    if (t instanceof java.net.http.HttpConnectTimeoutException) {
      return "no answer in time (is the address right, and not blocked?)";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The failure inside the futures' wrappers. */
  private static Throwable unwrapped(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null
        && (t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return t;
  }
}
