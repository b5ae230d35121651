package io.chora.jdbc.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes the composite keys the triggers write ({@link TriggerBuilder}): comma-joined parts, TEXT
 * as {@code T}+hex of UTF-8, the rest as SQLite's quote() renders them ({@code NULL}, integers,
 * reals with round-trip precision, {@code X'..'} blobs). No part contains a comma.
 */
final class KeyCodec {
  private KeyCodec() {}

  static List<Object> decode(String text) {
    List<Object> parts = new ArrayList<>();
    for (String token : text.split(",", -1)) {
      parts.add(part(token));
    }
    return parts;
  }

  private static Object part(String token) {
    if (token.startsWith("T")) {
      return new String(HexFormat.of().parseHex(token, 1, token.length()), StandardCharsets.UTF_8);
    }
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
