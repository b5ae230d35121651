package io.chora.hub;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A PostgreSQL store the hub could not use, told in chora's words with what to do: the pool's own
 * text ("Connection is not available, request timed out ...") names neither the server's answer nor
 * a fix. The cause keeps the driver's exception for {@code CHORA_DEBUG=1}.
 */
public final class StoreUnreachable extends IOException {
  private final String hint;

  private StoreUnreachable(String message, String hint, SQLException cause) {
    super(message, cause);
    this.hint = hint;
  }

  /** What to do about it. */
  public String hint() {
    return hint;
  }

  /** {@code e}, met while trying to {@code what} (e.g. "open the store"), as a user reads it. */
  public static StoreUnreachable of(String what, StoreUrl store, SQLException e) {
    Properties url = parsed(store);
    String host = url.getProperty("PGHOST", "localhost");
    String port = url.getProperty("PGPORT", "5432");
    String at = "PostgreSQL at " + host + ":" + port;
    String user = url.getProperty("user", System.getProperty("user.name"));
    String database = url.getProperty("PGDBNAME", user);
    SQLException server = deepest(e);
    String state = server.getSQLState() == null ? "" : server.getSQLState();
    String said = said(server);
    String found;
    String hint;
    if (causedBy(e, UnknownHostException.class)) {
      found = "there is no host " + host;
      hint = "check the host in the URL";
    } else if (causedBy(e, ConnectException.class)) {
      found = "nothing answers at " + host + ":" + port;
      hint = "is PostgreSQL running there, and are the URL's host and port right?";
    } else if (state.equals("28P01")) {
      found = at + " refused the password of user " + user;
      hint = "give the right one in " + StoreUrl.PASSWORD_ENV;
    } else if (said.contains("no password was provided")) {
      found = at + " wants a password for user " + user + " and none was given";
      hint = "give it in " + StoreUrl.PASSWORD_ENV + " (not in the URL, which shows in logs)";
    } else if (state.equals("3D000")) {
      found = at + " has no database " + database;
      hint =
          "create it (createdb -h "
              + host
              + " -p "
              + port
              + " "
              + database
              + ") or name one that exists";
    } else if (state.startsWith("28")) {
      found = at + " does not let user " + user + " in: " + said;
      hint = "check the user in the URL and the server's pg_hba.conf";
    } else if (state.equals("42501")) {
      found = "user " + user + " may not create the hub's schema in " + database + ": " + said;
      hint = "GRANT CREATE ON DATABASE " + database + " TO " + user + ", or use another user";
    } else {
      found = at + " answered: " + said;
      hint = "CHORA_DEBUG=1 shows the driver's full report";
    }
    return new StoreUnreachable("cannot " + what + " " + store + ": " + found, hint, e);
  }

  private static Properties parsed(StoreUrl store) {
    Properties url = org.postgresql.Driver.parseURL(store.url(), new Properties());
    return url == null ? new Properties() : url;
  }

  /** The innermost SQLException: the server's or the driver's, not the pool's wrapper. */
  private static SQLException deepest(SQLException e) {
    SQLException found = e;
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        found = sql;
      }
    }
    return found;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The server's words, one line, without its severity ("FATAL: ..."). */
  private static String said(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("").replaceFirst("^(FATAL|ERROR): +", "");
  }
}
