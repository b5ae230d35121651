package io.chora.jdbc.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A minimal SQLite lexer: just enough to read leading keywords and split a script. */
final class SqlTokens {
  private final String sql;
  private int pos;

  SqlTokens(String sql) {
    this.sql = sql;
  }

  /** The next bare word upper-cased, or "" when the next token is not a word. */
  String nextWord() {
    skipSpaceAndComments();
    int start = pos;
    while (pos < sql.length()
        && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
      pos++;
    }
    return sql.substring(start, pos).toUpperCase(Locale.ROOT);
  }

  /**
   * The next identifier, unquoted ("x", `x`, [x] or a bare word); a schema prefix such as {@code
   * main.} is skipped. Empty when there is none.
   */
  String nextIdentifier() {
    String name = identifierPart();
    skipSpaceAndComments();
    if (pos < sql.length() && sql.charAt(pos) == '.') {
      pos++;
      skipSpaceAndComments();
      name = identifierPart();
    }
    return name;
  }

  private String identifierPart() {
    skipSpaceAndComments();
    if (pos >= sql.length()) {
      return "";
    }
    char open = sql.charAt(pos);
    if (open == '"' || open == '`' || open == '[') {
      char close = open == '[' ? ']' : open;
      StringBuilder name = new StringBuilder();
      int i = pos + 1;
      while (i < sql.length()) {
        char c = sql.charAt(i);
        if (c == close) {
          if (close != ']' && i + 1 < sql.length() && sql.charAt(i + 1) == close) {
            name.append(c);
            i += 2;
            continue;
          }
          break;
        }
        name.append(c);
        i++;
      }
      pos = Math.min(i + 1, sql.length());
      return name.toString();
    }
    int start = pos;
    while (pos < sql.length()
        && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
      pos++;
    }
    return sql.substring(start, pos);
  }

  /** The first keyword of {@code sql} without allocating more than the word itself. */
  static String firstWord(String sql) {
    return new SqlTokens(sql).nextWord();
  }

  /** Whether {@code sql} holds nothing but spaces and comments: no statement at all. */
  static boolean isBlank(String sql) {
    SqlTokens tokens = new SqlTokens(sql);
    tokens.skipSpaceAndComments();
    return tokens.pos == sql.length();
  }

  /**
   * Splits a script on top-level semicolons (outside quotes, identifiers and comments), dropping
   * empty statements. One statement gives a list of one.
   */
  static List<String> split(String sql) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        i = skipQuoted(sql, i, c);
      } else if (c == '[') {
        int end = sql.indexOf(']', i + 1);
        i = end < 0 ? sql.length() : end + 1;
      } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else if (c == ';' && !insideTriggerBody(sql.substring(start, i))) {
        addIfNotBlank(parts, sql.substring(start, i));
        start = ++i;
      } else {
        i++;
      }
    }
    addIfNotBlank(parts, sql.substring(start));
    return parts;
  }

  /** A CREATE TRIGGER's body holds semicolons; the statement ends after its END. */
  private static boolean insideTriggerBody(String part) {
    SqlTokens tokens = new SqlTokens(part);
    if (!tokens.nextWord().equals("CREATE")) {
      return false;
    }
    String word = tokens.nextWord();
    if (word.equals("TEMP") || word.equals("TEMPORARY")) {
      word = tokens.nextWord();
    }
    if (!word.equals("TRIGGER")) {
      return false;
    }
    String trimmed = part.stripTrailing();
    int n = trimmed.length();
    boolean endsWithEnd =
        n >= 3
            && trimmed.regionMatches(true, n - 3, "END", 0, 3)
            && (n == 3 || !Character.isLetterOrDigit(trimmed.charAt(n - 4)));
    return !endsWithEnd;
  }

  private static void addIfNotBlank(List<String> parts, String part) {
    if (!firstWord(part).isEmpty()) {
      parts.add(part);
    }
  }

  private static int skipQuoted(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2; // doubled quote is an escaped quote
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return j;
  }

  private void skipSpaceAndComments() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (sql.startsWith("--", pos)) {
        int end = sql.indexOf('\n', pos);
        pos = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", pos)) {
        int end = sql.indexOf("*/", pos + 2);
        pos = end < 0 ? sql.length() : end + 2;
      } else {
        return;
      }
    }
  }
}
