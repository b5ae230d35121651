package io.chora.sync;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SQLite storage classes as Java values: {@code null}, {@link Long}, {@link Double}, {@link
 * String} and {@code byte[]}. Equality compares blobs by content.
 */
public final class SqlValues {
  private SqlValues() {}

  /** Checks that {@code value} is one of the five storage classes. */
  public static Object require(Object value) {
    if (value == null
        || value instanceof Long
        || value instanceof Double
        || value instanceof String
        || value instanceof byte[]) {
      return value;
    }
    throw new IllegalArgumentException(
        "not an SQLite value (null, Long, Double, String, byte[]): " + value.getClass().getName());
  }

  public static boolean equal(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    return Objects.equals(a, b);
  }

  public static boolean equal(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equal(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  public static boolean equal(Map<String, Object> a, Map<String, Object> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : a.entrySet()) {
      if (!equal(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public static int hash(Object value) {
    return value instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(value);
  }

  /** A readable rendering: blobs as {@code x'0aff'}, text quoted. */
  public static String format(Object value) {
    if (value instanceof byte[] bytes) {
      StringBuilder hex = new StringBuilder("x'");
      for (byte b : bytes) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.append('\'').toString();
    }
    if (value instanceof String text) {
      return "'" + text.replace("'", "''") + "'";
    }
    return String.valueOf(value);
  }
}
