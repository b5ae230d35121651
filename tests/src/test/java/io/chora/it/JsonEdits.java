package io.chora.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;

/**
 * Edits of a change set's JSON text by field, as an attacker or a broken peer would make them: the
 * value of the {@code nth} field called {@code name} (1 = the first in the text) replaced, dropped,
 * given twice, or the text cut at it. Each edit checks that its target exists, so a test whose set
 * changed shape fails instead of testing nothing.
 */
final class JsonEdits {
  private JsonEdits() {}

  /** The value of the nth {@code name} replaced by the JSON text {@code value}. */
  static UnaryOperator<String> set(String name, int nth, String value) {
    return json -> {
      int start = valueStart(json, name, nth);
      return json.substring(0, start) + value + json.substring(valueEnd(json, start));
    };
  }

  /** The nth {@code name} and its value removed, with the comma that parted it from the next. */
  static UnaryOperator<String> drop(String name, int nth) {
    return json -> {
      int key = keyStart(json, name, nth);
      int end = valueEnd(json, valueStart(json, name, nth));
      if (json.charAt(end) == ',') {
        return json.substring(0, key) + json.substring(end + 1);
      }
      assertThat(json.charAt(key - 1)).as("a field after another").isEqualTo(',');
      return json.substring(0, key - 1) + json.substring(end);
    };
  }

  /** {@code "name":value,} put before the nth {@code name}: the field twice in one object. */
  static UnaryOperator<String> twice(String name, int nth, String value) {
    return json -> {
      int key = keyStart(json, name, nth);
      return json.substring(0, key) + quote(name) + ":" + value + "," + json.substring(key);
    };
  }

  /** The text up to {@code offset} characters past the start of the nth {@code name}'s key. */
  static UnaryOperator<String> cutAtKey(String name, int nth, int offset) {
    return json -> json.substring(0, keyStart(json, name, nth) + offset);
  }

  /** The text up to {@code offset} characters into the nth {@code name}'s value (-1: its end). */
  static UnaryOperator<String> cutInValue(String name, int nth, int offset) {
    return json -> {
      int start = valueStart(json, name, nth);
      int end = valueEnd(json, start);
      int at = offset < 0 ? end : start + offset;
      assertThat(at).as("a cut inside the value of %s", name).isLessThanOrEqualTo(end);
      return json.substring(0, at);
    };
  }

  /** The first occurrence of {@code from} replaced by {@code to}. */
  static UnaryOperator<String> edit(String from, String to) {
    return json -> {
      int at = json.indexOf(from);
      assertThat(at).as("mutation target %s in %s", from, json).isNotNegative();
      return json.substring(0, at) + to + json.substring(at + from.length());
    };
  }

  static String quote(String text) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        q.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        q.append(String.format("\\u%04x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append('"').toString();
  }

  private static int keyStart(String json, String name, int nth) {
    String key = quote(name) + ":";
    int at = -1;
    for (int i = 0; i < nth; i++) {
      at = json.indexOf(key, at + 1);
      assertThat(at).as("field %s number %d in %s", name, i + 1, json).isNotNegative();
    }
    return at;
  }

  private static int valueStart(String json, String name, int nth) {
    return keyStart(json, name, nth) + quote(name).length() + 1;
  }

  /** Where the JSON value that starts at {@code start} ends (exclusive). */
  private static int valueEnd(String json, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
          if (depth == 0) {
            return i + 1;
          }
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        if (--depth == 0) {
          return i + 1;
        }
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return json.length();
  }
}
