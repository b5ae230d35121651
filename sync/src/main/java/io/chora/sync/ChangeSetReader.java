package io.chora.sync;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Reads a change set written by {@link ChangeSetWriter}, one transaction at a time. The header
 * (format, version, site, clock) must come before {@code transactions}. Anything else is refused
 * with a {@link ChangeSetFormatException} that says where and what.
 */
public final class ChangeSetReader implements AutoCloseable {
  private final JsonParser json;
  private String site;
  private VectorClock clock;
  private Map<String, Head> heads = Map.of();
  private boolean inTransactions;
  private boolean done;

  public ChangeSetReader(InputStream in) throws IOException {
    json = ChangeSetWriter.JSON.createParser(in);
    json.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    // a key twice anywhere (header, transaction, change, clock, values) is refused, never last-wins
    json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    try {
      readHeader();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  /** The sending site from the header. */
  public String site() {
    return site;
  }

  /** The sender's clock from the header. */
  /** The header's heads (see {@link ChangeSet#heads()}); empty when it has none. */
  public Map<String, Head> heads() {
    return heads;
  }

  public VectorClock clock() {
    return clock;
  }

  public boolean hasNext() throws IOException {
    if (done) {
      return false;
    }
    if (inTransactions) {
      return true; // already positioned on the next transaction
    }
    try {
      JsonToken t = json.nextToken();
      if (t == JsonToken.END_ARRAY) {
        expect(json.nextToken(), JsonToken.END_OBJECT, "end of change set");
        if (json.nextToken() != null) {
          throw fail("trailing content after the change set");
        }
        done = true;
        return false;
      }
      expect(t, JsonToken.START_OBJECT, "a transaction object");
      inTransactions = true;
      return true;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  /** The next transaction; call only after {@link #hasNext()} returned true. */
  public Transaction next() throws IOException {
    if (!inTransactions) {
      throw new NoSuchElementException("call hasNext() first");
    }
    inTransactions = false;
    try {
      return readTransaction();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IllegalArgumentException e) {
      if (e instanceof ChangeSetFormatException) {
        throw e;
      }
      throw fail(e.getMessage());
    }
  }

  private void readHeader() throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "a change set object");
    String format = null;
    Integer version = null;
    while (true) {
      String field = fieldName();
      switch (field) {
        case "format" -> format = text();
        case "version" -> {
          expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer version");
          version = json.getIntValue();
        }
        case "site" -> site = text();
        case "clock" -> clock = readClock("clock");
        case "heads" -> heads = readHeads();
        case "transactions" -> {
          if (!ChangeSetWriter.FORMAT.equals(format)) {
            throw fail("not a chora change set (format is " + format + ")");
          }
          if (version == null
              || version < ChangeSetWriter.OLDEST_VERSION
              || version > ChangeSetWriter.VERSION) {
            throw fail(
                "unsupported change set version "
                    + version
                    + "; this chora reads versions "
                    + ChangeSetWriter.OLDEST_VERSION
                    + " to "
                    + ChangeSetWriter.VERSION);
          }
          if (site == null || site.isEmpty() || clock == null) {
            throw fail("the header needs site and clock before transactions");
          }
          expect(json.nextToken(), JsonToken.START_ARRAY, "the transactions array");
          return;
        }
        default -> throw fail("unknown field '" + field + "'");
      }
    }
  }

  private VectorClock readClock(String field) throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "a clock object");
    Map<String, Long> entries = new TreeMap<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a site id");
      entries(field, entries.size());
      String clockSite = json.currentName();
      expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer counter");
      entries.put(clockSite, json.getLongValue());
    }
    try {
      return VectorClock.of(entries);
    } catch (IllegalArgumentException e) {
      throw fail(e.getMessage());
    }
  }

  /** {@code {"site":[seq, nonce], ...}}. */
  private Map<String, Head> readHeads() throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "a heads object");
    Map<String, Head> read = new TreeMap<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a site id");
      entries("heads", read.size());
      String headSite = json.currentName();
      expect(json.nextToken(), JsonToken.START_ARRAY, "a [seq, nonce] array");
      expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer seq");
      long seq = json.getLongValue();
      expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer nonce");
      long nonce = json.getLongValue();
      expect(json.nextToken(), JsonToken.END_ARRAY, "the end of a [seq, nonce] array");
      if (seq < 1 || seq > Limits.MAX_SEQ || read.put(headSite, new Head(seq, nonce)) != null) {
        throw fail("bad head for '" + headSite + "'");
      }
    }
    return Map.copyOf(read);
  }

  private Transaction readTransaction() throws IOException {
    String txSite = null;
    Long seq = null;
    Long hlc = null;
    VectorClock deps = null;
    List<Change> changes = null;
    long nonce = 0;
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a transaction field");
      switch (json.currentName()) {
        case "site" -> txSite = text();
        case "seq" -> seq = integer();
        case "hlc" -> hlc = integer();
        case "nonce" -> nonce = integer();
        case "deps" -> deps = readClock("deps");
        case "changes" -> changes = readChanges();
        default -> throw fail("unknown transaction field '" + json.currentName() + "'");
      }
    }
    if (txSite == null || seq == null || hlc == null || deps == null || changes == null) {
      throw fail("a transaction needs site, seq, hlc, deps and changes");
    }
    return new Transaction(new Dot(txSite, seq), hlc, deps, changes, nonce);
  }

  private List<Change> readChanges() throws IOException {
    expect(json.nextToken(), JsonToken.START_ARRAY, "the changes array");
    List<Change> changes = new ArrayList<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
      expect(t, JsonToken.START_OBJECT, "a change object");
      changes.add(readChange());
    }
    return changes;
  }

  private Change readChange() throws IOException {
    String table = null;
    List<Object> key = null;
    ChangeKind kind = null;
    Long causalLength = null;
    Dot life = null;
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Long> adds = Map.of();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a change field");
      switch (json.currentName()) {
        case "table" -> table = text();
        case "kind" -> kind = ChangeKind.fromWire(text());
        case "cl" -> causalLength = integer();
        case "life" -> life = readLife();
        case "key" -> {
          expect(json.nextToken(), JsonToken.START_ARRAY, "the key array");
          key = new ArrayList<>();
          for (JsonToken k = json.nextToken(); k != JsonToken.END_ARRAY; k = json.nextToken()) {
            key.add(value(k));
          }
        }
        case "values" -> {
          expect(json.nextToken(), JsonToken.START_OBJECT, "the values object");
          for (JsonToken v = json.nextToken(); v != JsonToken.END_OBJECT; v = json.nextToken()) {
            expect(v, JsonToken.FIELD_NAME, "a column name");
            String column = json.currentName();
            values.put(column, value(json.nextToken()));
          }
        }
        case "adds" -> adds = readAdds();
        default -> throw fail("unknown change field '" + json.currentName() + "'");
      }
    }
    if (table == null || key == null || kind == null || causalLength == null) {
      throw fail("a change needs table, key, kind and cl");
    }
    if (kind == ChangeKind.DELETE && !values.isEmpty()) {
      throw fail("a delete carries no values");
    }
    if (!adds.isEmpty() && kind != ChangeKind.UPDATE) {
      throw fail("only an update adds to counters");
    }
    for (String column : adds.keySet()) {
      if (values.containsKey(column)) {
        throw fail("column '" + column + "' is both written and added to");
      }
    }
    return new Change(table, key, kind, causalLength, values, life, adds);
  }

  /** {@code {"column": amount, …}}: what an update adds to counting columns, integers only. */
  private Map<String, Long> readAdds() throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "the adds object");
    Map<String, Long> adds = new LinkedHashMap<>();
    for (JsonToken v = json.nextToken(); v != JsonToken.END_OBJECT; v = json.nextToken()) {
      expect(v, JsonToken.FIELD_NAME, "a column name");
      String column = json.currentName();
      if (adds.containsKey(column)) {
        throw fail("column '" + column + "' appears twice in adds");
      }
      expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer amount for " + column);
      if (json.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
        throw fail("the amount added to " + column + " is beyond 64 bits");
      }
      adds.put(column, json.getLongValue());
    }
    return adds;
  }

  /** {@code ["site", seq]}: the transaction that began a row's life. */
  private Dot readLife() throws IOException {
    expect(json.nextToken(), JsonToken.START_ARRAY, "a [site, seq] life");
    String lifeSite = text();
    long lifeSeq = integer();
    expect(json.nextToken(), JsonToken.END_ARRAY, "the end of a [site, seq] life");
    if (lifeSite.isEmpty() || lifeSeq < 1) {
      throw fail("bad life [" + lifeSite + ", " + lifeSeq + "]");
    }
    return new Dot(lifeSite, lifeSeq);
  }

  private Object value(JsonToken t) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        if (json.getNumberType() != JsonParser.NumberType.INT
            && json.getNumberType() != JsonParser.NumberType.LONG) {
          throw fail("integer out of SQLite's 64-bit range: " + json.getText());
        }
        return json.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return real();
      case VALUE_STRING:
        return json.getText();
      case START_OBJECT:
        String tag = fieldName();
        String body = text();
        expect(json.nextToken(), JsonToken.END_OBJECT, "end of the " + tag + " value");
        return switch (tag) {
          case "blob" -> decodeBlob(body);
          case "real" -> decodeInfinity(body);
          default -> throw fail("unknown value type '" + tag + "'");
        };
      default:
        throw fail("expected a value, found " + t);
    }
  }

  /**
   * Refuses a clock ({@code field}) or heads that already holds {@link Limits#MAX_CLOCK_ENTRIES}.
   */
  private void entries(String field, int held) {
    if (held >= Limits.MAX_CLOCK_ENTRIES) {
      throw fail(field + " has more than " + Limits.MAX_CLOCK_ENTRIES + " entries");
    }
  }

  /**
   * A number with a fraction or exponent, which must fit a double: one beyond its range would read
   * as ±Infinity or 0 (writers send the infinities as {@code {"real":"Infinity"}}).
   */
  private double real() throws IOException {
    double d = json.getDoubleValue();
    if (Double.isInfinite(d) || (d == 0 && json.getText().matches("[^eE]*[1-9].*"))) {
      throw fail("real out of a double's range: " + json.getText());
    }
    return d;
  }

  private byte[] decodeBlob(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw fail("blob is not valid base64");
    }
  }

  private Double decodeInfinity(String text) {
    return switch (text) {
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> throw fail("a real written as text must be Infinity, -Infinity or NaN: " + text);
    };
  }

  private String fieldName() throws IOException {
    expect(json.nextToken(), JsonToken.FIELD_NAME, "a field name");
    return json.currentName();
  }

  private String text() throws IOException {
    expect(json.nextToken(), JsonToken.VALUE_STRING, "a string");
    return json.getText();
  }

  private long integer() throws IOException {
    expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, "an integer");
    return json.getLongValue();
  }

  private void expect(JsonToken actual, JsonToken wanted, String what) {
    if (actual != wanted) {
      throw fail("expected " + what + ", found " + (actual == null ? "end of input" : actual));
    }
  }

  private ChangeSetFormatException fail(String message) {
    return new ChangeSetFormatException(
        "malformed change set at " + where(json.currentLocation()) + ": " + message);
  }

  /**
   * The parser's complaint in chora's words: where, and whether the input was cut short or is not
   * JSON; never Jackson's location text ({@code [Source: REDACTED ...]}).
   */
  private ChangeSetFormatException malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation() == null ? json.currentLocation() : e.getLocation();
    boolean cutShort =
        e instanceof JsonEOFException
            || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input");
    String problem =
        cutShort
            ? "cut short at "
                + where(at)
                + ": the input ends before the change set does (a"
                + " truncated file, or one copied while it was still being written)"
            : "not valid JSON at " + where(at) + ": " + parserReason(e.getOriginalMessage());
    return new ChangeSetFormatException("malformed change set: " + problem, e);
  }

  /** {@code line L, column C (byte B)}, as far as the parser knows. */
  private static String where(JsonLocation at) {
    String where = "line " + at.getLineNr() + ", column " + at.getColumnNr();
    long offset = at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
    return offset >= 0 ? where + " (byte " + offset + ")" : where;
  }

  /** Jackson's reason without the source and start-marker locations it appends. */
  private static String parserReason(String message) {
    String reason = message == null ? "unreadable" : message;
    // "Unrecognized token 'x': was expecting (JSON String, Number, ...)": Jackson's list of tokens
    reason = reason.replaceFirst("^Unrecognized token ('[^']*').*", "$1 is not a JSON value");
    for (String tail : new String[] {" (start marker at", "\n at [Source", " at [Source"}) {
      int cut = reason.indexOf(tail);
      reason = cut < 0 ? reason : reason.substring(0, cut);
    }
    return reason.strip();
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
