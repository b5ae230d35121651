package io.chora.ui;

import static io.chora.ui.Json.object;

import io.chora.sync.Conflict;
import io.chora.sync.Dot;
import io.chora.sync.Hlc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shape of conflicts and SQLite values, as plain maps and lists for {@link Json}. */
final class ConflictJson {
  private ConflictJson() {}

  static Map<String, Object> conflict(Conflict c) {
    boolean cell = c.kind() == Conflict.Kind.CELL;
    return object(
        "id", c.id(),
        "kind", lowerCase(c.kind()),
        "table", c.table(),
        "key", values(c.key()),
        "column", c.column(),
        "status", lowerCase(c.status()),
        // the ledger records a cell only when neither write had seen the other; a removed row
        // only says which constraint it broke, not how its writes were ordered
        "concurrent", cell ? Boolean.TRUE : null,
        "kept", write(c.kept(), c.keptDot(), c.keptHlc()),
        "lost", write(c.lost(), c.lostDot(), c.lostHlc()),
        "lostRow", cell ? null : row(c.lostRow()));
  }

  /** A value with the transaction that wrote it and when; site and time are null when unknown. */
  private static Map<String, Object> write(Object value, Dot dot, long hlc) {
    return object(
        "value", value(value),
        "site", dot == null ? null : dot.site(),
        "seq", dot == null ? null : dot.seq(),
        "at", hlc == 0 ? null : Instant.ofEpochMilli(Hlc.millis(hlc)).toString(),
        // a string: the packed 64-bit timestamp does not survive a JavaScript number
        "hlc", hlc == 0 ? null : Hlc.format(hlc));
  }

  /** The removed row's columns in table order, as a list since JSON objects have no order. */
  private static List<Object> row(Map<String, Object> row) {
    List<Object> columns = new ArrayList<>();
    row.forEach((column, value) -> columns.add(object("column", column, "value", value(value))));
    return columns;
  }

  static List<Object> values(List<Object> values) {
    List<Object> typed = new ArrayList<>();
    values.forEach(v -> typed.add(value(v)));
    return typed;
  }

  /**
   * An SQLite value with its storage class, so text "12" and integer 12 (or NULL and text "NULL")
   * stay apart: blobs as hex, reals that JSON cannot hold (±Infinity) as text.
   */
  static Map<String, Object> value(Object value) {
    if (value == null) {
      return object("type", "null", "value", null);
    } else if (value instanceof Long integer) {
      return object("type", "integer", "value", integer);
    } else if (value instanceof Double real) {
      return object("type", "real", "value", Double.isFinite(real) ? real : real.toString());
    } else if (value instanceof byte[] blob) {
      return object("type", "blob", "value", hex(blob));
    }
    return object("type", "text", "value", value.toString());
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  static String lowerCase(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
