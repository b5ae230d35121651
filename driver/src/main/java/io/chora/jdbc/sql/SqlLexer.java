package io.chora.jdbc.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SQLite's tokens with their offsets, comments and spaces dropped: what {@link InsertShape} needs
 * to find the parts of a statement without knowing its whole grammar.
 */
final class SqlLexer {
  enum Type {
    WORD,
    QUOTED,
    STRING,
    NUMBER,
    PARAM,
    PUNCT
  }

  /** One token; {@code word} is a bare word's text upper-cased (null for other tokens). */
  record Token(Type type, int start, int end, char punct, String word) {
    Token(Type type, int start, int end, char punct) {
      this(type, start, end, punct, null);
    }

    String text(String sql) {
      return sql.substring(start, end);
    }

    boolean isWord(String upper) {
      return upper.equals(word);
    }

    boolean isPunct(char c) {
      return type == Type.PUNCT && punct == c;
    }

    /** A quoted identifier or string without its quotes, doubled quotes undone. */
    String unquoted(String sql) {
      char open = sql.charAt(start);
      String inner = sql.substring(start + 1, end - 1);
      if (open == '[') {
        return inner;
      }
      String q = String.valueOf(open);
      return inner.replace(q + q, q);
    }
  }

  private SqlLexer() {}

  static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        int end = closing(sql, i, '\'');
        tokens.add(new Token(Type.STRING, i, end, c));
        i = end;
      } else if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
        int end = closing(sql, i + 1, '\'');
        tokens.add(new Token(Type.STRING, i, end, c)); // blob literal
        i = end;
      } else if (c == '"' || c == '`') {
        int end = closing(sql, i, c);
        tokens.add(new Token(Type.QUOTED, i, end, c));
        i = end;
      } else if (c == '[') {
        int close = sql.indexOf(']', i + 1);
        int end = close < 0 ? n : close + 1;
        tokens.add(new Token(Type.QUOTED, i, end, c));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int end = i + 1;
        while (end < n
            && (Character.isLetterOrDigit(sql.charAt(end))
                || sql.charAt(end) == '_'
                || sql.charAt(end) == '$')) {
          end++;
        }
        tokens.add(new Token(Type.WORD, i, end, c, sql.substring(i, end).toUpperCase(Locale.ROOT)));
        i = end;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
        int end = i + 1;
        while (end < n
            && (Character.isLetterOrDigit(sql.charAt(end))
                || sql.charAt(end) == '.'
                || ((sql.charAt(end) == '+' || sql.charAt(end) == '-')
                    && (sql.charAt(end - 1) == 'e' || sql.charAt(end - 1) == 'E')))) {
          end++;
        }
        tokens.add(new Token(Type.NUMBER, i, end, c));
        i = end;
      } else if (c == '?' || c == ':' || c == '@' || c == '$') {
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        tokens.add(new Token(Type.PARAM, i, end, c));
        i = end;
      } else {
        tokens.add(new Token(Type.PUNCT, i, i + 1, c));
        i++;
      }
    }
    return tokens;
  }

  /** The offset after the quote that closes the one at {@code i} (doubled quotes escape). */
  private static int closing(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length();
  }
}
