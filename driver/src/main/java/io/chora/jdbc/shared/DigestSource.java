package io.chora.jdbc.shared;

import java.sql.SQLException;

/**
 * How an engine tells the digest of its synced tables ({@link StateDigest}): java mode keeps it up
 * to date from its log, native mode reads the tables whole ({@link WholeDigest}).
 */
public interface DigestSource {
  /** The digest now, or null when the tables do not hold one clock's state right now. */
  StateDigest.Read read() throws SQLException;

  /** About how many rows the next {@link #read} will read. */
  long cost() throws SQLException;
}
