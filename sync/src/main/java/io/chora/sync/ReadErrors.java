package io.chora.sync;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The words of {@link ChangeSetReader}'s refusals: tokens as a user reads them ("a string", "the
 * end of an object"), where in the input, and the parser's reason without Jackson's own location
 * text. Kept apart so that the reader holds the format alone.
 */
final class ReadErrors {
  private ReadErrors() {}

  static String unsupported(long version) {
    return "unsupported change set version "
        + version
        + "; this chora reads versions "
        + ChangeSetWriter.OLDEST_VERSION
        + " to "
        + ChangeSetWriter.VERSION;
  }

  static String found(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a real";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case END_ARRAY, END_OBJECT ->
          "the end of " + (t == JsonToken.END_ARRAY ? "an array" : "an object");
      case FIELD_NAME -> "a field name";
      default -> t.toString();
    };
  }

  /** {@code line L, column C (byte B)}, as far as the parser knows. */
  static String where(JsonLocation at) {
    String where = "line " + at.getLineNr() + ", column " + at.getColumnNr();
    long offset = at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
    return offset >= 0 ? where + " (byte " + offset + ")" : where;
  }

  /** Jackson's reason without the source and start-marker locations it appends. */
  static String parserReason(String message) {
    String reason = message == null ? "unreadable" : message;
    // "Unrecognized token 'x': was expecting (JSON String, Number, ...)": Jackson's list of tokens
    reason = reason.replaceFirst("^Unrecognized token ('[^']*').*", "$1 is not a JSON value");
    for (String tail : new String[] {" (start marker at", "\n at [Source", " at [Source"}) {
      int cut = reason.indexOf(tail);
      reason = cut < 0 ? reason : reason.substring(0, cut);
    }
    return reason.strip();
  }
}
