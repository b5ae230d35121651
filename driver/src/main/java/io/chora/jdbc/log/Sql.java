package io.chora.jdbc.log;

/** Small helpers for writing SQL text. */
final class Sql {
  private Sql() {}

  /** A double-quoted SQLite identifier, safe for any name. */
  static String id(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * An INSERT of chora's own, marked so that sqlite-jdbc does not look up its generated key: after
   * every prepared INSERT it runs {@code SELECT last_insert_rowid()} as a fresh statement (its
   * pattern for an INSERT must match at the start of the text), which costs as much as a merged
   * row's own insert, and chora never reads those keys. The user's statements keep theirs.
   */
  static String ownInsert(String insert) {
    return "/* chora */ " + insert;
  }

  /** A single-quoted SQLite string literal. */
  static String text(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }
}
