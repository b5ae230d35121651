package io.chora.jdbc.seam;

/**
 * chora's own INSERTs, marked so that sqlite-jdbc does not look up their generated keys: after
 * every prepared INSERT it runs {@code SELECT last_insert_rowid()} as a freshly prepared statement
 * when the text starts with INSERT or REPLACE (its {@code CoreStatement.updateGeneratedKeys}),
 * which costs as much as a merged row's own insert, and chora never reads those keys. The user's
 * statements keep theirs. An upgrade of sqlite-jdbc that changes the pattern only makes chora's
 * inserts slower again, never different.
 */
public final class OwnInserts {
  private OwnInserts() {}

  /** {@code insert} with a leading comment the generated-keys pattern does not match. */
  public static String of(String insert) {
    return "/* chora */ " + insert;
  }
}
