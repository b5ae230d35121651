package io.chora.jdbc.log;

/** Small helpers for writing SQL text. */
final class Sql {
  private Sql() {}

  /** A double-quoted SQLite identifier, safe for any name. */
  static String id(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted SQLite string literal. */
  static String text(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }
}
