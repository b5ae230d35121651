package io.chora.jdbc.shared;

import java.io.IOException;
import java.sql.SQLException;

/**
 * The errors both engines raise for the same reasons, worded once. SQLSTATE {@code 22000} (data
 * exception) marks a set refused whole, {@code 08000} a stream that could not be read or written.
 */
public final class Refusals {
  private Refusals() {}

  /** An incoming change set breaks a rule: nothing of it is applied. */
  public static SQLException changeSet(String problem) {
    return new SQLException("chora: change set refused: " + problem, "22000");
  }

  /** A wire-format stream failed: unreadable ({@link IOException}) or malformed. */
  public static SQLException unreadable(Exception e) {
    return e instanceof IOException
        ? new SQLException("chora: could not read the change set: " + e.getMessage(), "08000", e)
        : new SQLException("chora: change set refused: " + e.getMessage(), "22000", e);
  }

  /** Writing a change set to the caller's stream failed. */
  public static SQLException unwritable(IOException e) {
    return new SQLException("chora: could not write the change set: " + e.getMessage(), "08000", e);
  }

  /** A set, or a peer, from a replica of the other mode: the modes resolve writes differently. */
  public static SQLException otherMode(String site, boolean senderIsNative) {
    return senderIsNative
        ? changeSet(
            "this set comes from a cr-sqlite (native mode) replica ('"
                + site
                + "'); this replica runs chora's java mode, and the two do not sync")
        : changeSet(
            "this set comes from a chora java-mode replica (site '"
                + site
                + "'); this replica runs cr-sqlite native mode (chora.mode=crsqlite), and replicas"
                + " of different modes cannot sync");
  }

  /** A required argument of a {@code ChoraConnection} method is null. */
  public static SQLException missing(String method, String what) {
    return new SQLException(method + " needs " + what);
  }
}
