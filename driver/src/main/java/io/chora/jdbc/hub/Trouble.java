package io.chora.jdbc.hub;

/**
 * The kinds of trouble between a replica and its hub that a user must hear of, each logged at
 * WARNING once when it begins, not at every retry, and at INFO when it ends ({@link TroubleLog}).
 */
enum Trouble {
  REFUSED, // turned away: the upgrade refused (wrong token, no such workspace), a policy close
  UNREACHABLE, // no connection, or it dropped or went silent
  DROPPED, // the hub closed the connection
  PUSH_REFUSED, // nacked pushes, again after a retry
  TOO_LARGE, // the unsent transactions do not fit an envelope
  LOCAL // this side: the database, an unreadable message, a failed apply
}
