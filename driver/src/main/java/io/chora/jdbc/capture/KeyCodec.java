package io.chora.jdbc.capture;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes the composite keys the triggers write: SQLite {@code quote()} literals joined by commas.
 * quote() renders every storage class exactly (REAL with round-trip precision, BLOB as X'..'), so
 * keys come back bit-exact.
 */
final class KeyCodec {
  private KeyCodec() {}

  static List<Object> decode(String text) {
    List<Object> parts = new ArrayList<>();
    int i = 0;
    while (i <= text.length()) {
      int end;
      if (text.startsWith("'", i)) {
        StringBuilder s = new StringBuilder();
        int j = i + 1;
        while (true) {
          int q = text.indexOf('\'', j);
          if (q + 1 < text.length() && text.charAt(q + 1) == '\'') {
            s.append(text, j, q + 1);
            j = q + 2;
          } else {
            s.append(text, j, q);
            end = q + 1;
            break;
          }
        }
        parts.add(s.toString());
      } else {
        end = text.indexOf(',', i);
        end = end < 0 ? text.length() : end;
        parts.add(literal(text.substring(i, end)));
      }
      i = end + 1;
    }
    return parts;
  }

  private static Object literal(String token) {
    if (token.equals("NULL")) {
      return null;
    }
    if (token.startsWith("X'")) {
      return HexFormat.of().parseHex(token, 2, token.length() - 1);
    }
    if (token.equals("Inf") || token.equals("9.0e+999")) {
      return Double.POSITIVE_INFINITY;
    }
    if (token.equals("-Inf") || token.equals("-9.0e+999")) {
      return Double.NEGATIVE_INFINITY;
    }
    if (token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
      return Double.parseDouble(token);
    }
    return Long.parseLong(token);
  }
}
