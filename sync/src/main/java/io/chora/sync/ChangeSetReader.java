package io.chora.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import java.util.concurrent.ConcurrentHashMap;

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

  /** Factories whose strings are bounded, by the bound: receivers use a few at most. */
  private static final Map<Integer, JsonFactory> BOUNDED = new ConcurrentHashMap<>();

  public ChangeSetReader(InputStream in) throws IOException {
    this(ChangeSetWriter.JSON, in);
  }

  /**
   * Strings and numbers the bounded reader always takes: names (tables and columns up to 1,000
   * characters, site ids) must not be refused for the size of the values a receiver takes.
   */
  private static final int MIN_STRING_CHARS = 4096;

  /**
   * A reader that refuses any string (a TEXT, or a BLOB's base64) longer than a value of {@code
   * maxValueBytes} can be, as the parser reads it: a receiver never holds more of one in memory.
   */
  public ChangeSetReader(InputStream in, long maxValueBytes) throws IOException {
    this(
        bounded(
            (int)
                Math.min(Integer.MAX_VALUE, Math.max(MIN_STRING_CHARS, maxValueBytes / 3 * 4 + 8))),
        in);
  }

  private static JsonFactory bounded(int maxChars) {
    return BOUNDED.computeIfAbsent(
        maxChars,
        max ->
            ChangeSetWriter.JSON
                .rebuild()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(max).build())
                .build());
  }

  private ChangeSetReader(JsonFactory factory, InputStream in) throws IOException {
    json = factory.createParser(in);
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
        if (trailing() != null) {
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

  /**
   * What follows the set's last brace, or null. A signed set's trailer line ({@code
   * chora-signature/1 …}) is refused by name: a replica that does not check signatures cannot take
   * it as checked, and must not take it as unsigned without saying so.
   */
  private JsonToken trailing() throws IOException {
    try {
      return json.nextToken();
    } catch (JsonProcessingException e) {
      if (String.valueOf(e.getOriginalMessage()).contains("token 'chora")) {
        throw fail(
            "what follows the change set looks like a chora-signature line: the set is signed,"
                + " and this replica does"
                + " not check signatures (turn chora.sign on with the members file to take signed"
                + " sets, docs/encryption.md#signed-changes)");
      }
      throw e;
    }
  }

  private void readHeader() throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "a change set object");
    String format = null;
    Integer version = null;
    while (true) {
      JsonToken t = json.nextToken();
      if (t == JsonToken.END_OBJECT) {
        throw fail("the header lacks 'transactions'");
      }
      expect(t, JsonToken.FIELD_NAME, "a field name");
      String field = json.currentName();
      switch (field) {
        case "format" -> format = text("format");
        case "version" -> {
          long read = integer("version");
          if (read < ChangeSetWriter.OLDEST_VERSION || read > ChangeSetWriter.VERSION) {
            throw fail(ReadErrors.unsupported(read));
          }
          version = (int) read;
        }
        case "site" -> site = text("site");
        case "clock" -> clock = readClock("clock");
        case "heads" -> heads = readHeads();
        case "transactions" -> {
          if (format == null || version == null) {
            throw fail(
                "the header lacks '"
                    + (format == null ? "format" : "version")
                    + "' before 'transactions'");
          }
          if (!ChangeSetWriter.FORMAT.equals(format)) {
            throw fail("not a chora change set (format is " + format + ")");
          }
          if (site == null || site.isEmpty() || clock == null) {
            throw fail(
                site != null && site.isEmpty()
                    ? "the header's 'site' is empty"
                    : "the header lacks '"
                        + (site == null ? "site" : "clock")
                        + "' before 'transactions'");
          }
          expect(json.nextToken(), JsonToken.START_ARRAY, "'transactions' must be an array");
          return;
        }
        default -> throw fail("unknown field '" + field + "'");
      }
    }
  }

  private VectorClock readClock(String field) throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "'" + field + "' must be a clock object");
    Map<String, Long> entries = new TreeMap<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a site id");
      entries(field, entries.size());
      String clockSite = json.currentName();
      entries.put(clockSite, wholeNumber("'" + field + "' entry '" + clockSite + "'"));
    }
    try {
      return VectorClock.of(entries);
    } catch (IllegalArgumentException e) {
      throw fail("'" + field + "': " + e.getMessage());
    }
  }

  /** {@code {"site":[seq, nonce], ...}}. */
  private Map<String, Head> readHeads() throws IOException {
    expect(json.nextToken(), JsonToken.START_OBJECT, "'heads' must be an object");
    Map<String, Head> read = new TreeMap<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, "a site id");
      entries("heads", read.size());
      String headSite = json.currentName();
      String what = "'heads' entry '" + headSite + "'";
      expect(json.nextToken(), JsonToken.START_ARRAY, what + " must be a [seq, nonce] array");
      long seq = wholeNumber(what + " seq");
      long nonce = wholeNumber(what + " nonce");
      expect(json.nextToken(), JsonToken.END_ARRAY, what + " must end after [seq, nonce]");
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
        case "site" -> txSite = text("site");
        case "seq" -> seq = integer("seq");
        case "hlc" -> hlc = integer("hlc");
        case "nonce" -> nonce = integer("nonce");
        case "deps" -> deps = readClock("deps");
        case "changes" -> changes = readChanges();
        default -> throw fail("unknown transaction field '" + json.currentName() + "'");
      }
    }
    String lacks =
        txSite == null
            ? "site"
            : seq == null ? "seq" : hlc == null ? "hlc" : deps == null ? "deps" : null;
    if (lacks != null || changes == null) {
      throw fail("a transaction lacks '" + (lacks == null ? "changes" : lacks) + "'");
    }
    return new Transaction(new Dot(txSite, seq), hlc, deps, changes, nonce);
  }

  private List<Change> readChanges() throws IOException {
    expect(json.nextToken(), JsonToken.START_ARRAY, "'changes' must be an array");
    List<Change> changes = new ArrayList<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
      expect(t, JsonToken.START_OBJECT, "each of 'changes' must be a change object");
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
        case "table" -> table = text("table");
        case "kind" -> kind = ChangeKind.fromWire(text("kind"));
        case "cl" -> causalLength = integer("cl");
        case "life" -> life = readLife();
        case "key" -> {
          expect(json.nextToken(), JsonToken.START_ARRAY, "'key' must be an array");
          key = new ArrayList<>();
          for (JsonToken k = json.nextToken(); k != JsonToken.END_ARRAY; k = json.nextToken()) {
            key.add(value(k, "'key' part " + (key.size() + 1)));
          }
        }
        case "values" -> {
          expect(json.nextToken(), JsonToken.START_OBJECT, "'values' must be an object");
          for (JsonToken v = json.nextToken(); v != JsonToken.END_OBJECT; v = json.nextToken()) {
            expect(v, JsonToken.FIELD_NAME, "a column name");
            String column = json.currentName();
            values.put(column, value(json.nextToken(), "the value of '" + column + "'"));
          }
        }
        case "adds" -> adds = readAdds();
        default -> throw fail("unknown change field '" + json.currentName() + "'");
      }
    }
    String lacks = table == null ? "table" : key == null ? "key" : kind == null ? "kind" : null;
    if (lacks != null || causalLength == null) {
      throw fail("a change lacks '" + (lacks == null ? "cl" : lacks) + "'");
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
    expect(json.nextToken(), JsonToken.START_OBJECT, "'adds' must be an object");
    Map<String, Long> adds = new LinkedHashMap<>();
    for (JsonToken v = json.nextToken(); v != JsonToken.END_OBJECT; v = json.nextToken()) {
      expect(v, JsonToken.FIELD_NAME, "a column name");
      String column = json.currentName();
      if (adds.containsKey(column)) {
        throw fail("column '" + column + "' appears twice in adds");
      }
      adds.put(column, wholeNumber("the amount 'adds' adds to '" + column + "'"));
    }
    return adds;
  }

  /** {@code ["site", seq]}: the transaction that began a row's life. */
  private Dot readLife() throws IOException {
    expect(json.nextToken(), JsonToken.START_ARRAY, "'life' must be a [site, seq] array");
    String lifeSite = text("life site");
    long lifeSeq = integer("life seq");
    expect(json.nextToken(), JsonToken.END_ARRAY, "'life' must end after [site, seq]");
    if (lifeSite.isEmpty() || lifeSeq < 1) {
      throw fail("bad life [" + lifeSite + ", " + lifeSeq + "]");
    }
    return new Dot(lifeSite, lifeSeq);
  }

  private Object value(JsonToken t, String what) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        if (json.getNumberType() != JsonParser.NumberType.INT
            && json.getNumberType() != JsonParser.NumberType.LONG) {
          throw fail(what + ": integer out of SQLite's 64-bit range: " + json.getText());
        }
        return json.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return real();
      case VALUE_STRING:
        return json.getText();
      case START_OBJECT:
        String tag = fieldName();
        expect(
            json.nextToken(), JsonToken.VALUE_STRING, what + ": the " + tag + " must be a string");
        String body = json.getText();
        expect(json.nextToken(), JsonToken.END_OBJECT, what + " must end after its " + tag);
        return switch (tag) {
          case "blob" -> decodeBlob(body);
          case "real" -> decodeInfinity(body);
          default -> throw fail(what + ": unknown value type '" + tag + "'");
        };
      default:
        throw fail(
            what
                + " must be a value (null, a number, a string or a tagged object), found "
                + ReadErrors.found(t));
    }
  }

  /**
   * Refuses a clock ({@code field}) or heads that already holds {@link Limits#MAX_CLOCK_ENTRIES}.
   */
  private void entries(String field, int held) {
    if (held >= Limits.MAX_CLOCK_ENTRIES) {
      throw fail("'" + field + "' has more than " + Limits.MAX_CLOCK_ENTRIES + " entries");
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

  private String text(String field) throws IOException {
    expect(json.nextToken(), JsonToken.VALUE_STRING, quoted(field) + " must be a string");
    return json.getText();
  }

  private long integer(String field) throws IOException {
    return wholeNumber(quoted(field));
  }

  /** An integer of at most 64 bits; {@code what} names it. */
  private long wholeNumber(String what) throws IOException {
    expect(json.nextToken(), JsonToken.VALUE_NUMBER_INT, what + " must be an integer");
    if (json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw fail(what + " is beyond 64 bits: " + json.getText());
    }
    return json.getLongValue();
  }

  private static String quoted(String field) {
    return field.startsWith("'") ? field : "'" + field + "'";
  }

  /** {@code what} says what was wanted ("'seq' must be an integer"). */
  private void expect(JsonToken actual, JsonToken wanted, String what) {
    if (actual != wanted) {
      throw fail(
          what.contains(" must ")
              ? what + ", found " + ReadErrors.found(actual)
              : "expected " + what + ", found " + ReadErrors.found(actual));
    }
  }

  private ChangeSetFormatException fail(String message) {
    return new ChangeSetFormatException(
        "malformed change set at " + ReadErrors.where(json.currentLocation()) + ": " + message);
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
                + ReadErrors.where(at)
                + ": the input ends before the change set does (a"
                + " truncated file, or one copied while it was still being written)"
            : e instanceof StreamConstraintsException
                ? "too large at "
                    + ReadErrors.where(at)
                    + ": "
                    + ReadErrors.parserReason(e.getOriginalMessage())
                : "not valid JSON at "
                    + ReadErrors.where(at)
                    + ": "
                    + ReadErrors.parserReason(e.getOriginalMessage());
    String field = currentName();
    if (field != null) {
      problem += " (in '" + (field.length() > 64 ? field.substring(0, 64) + "…" : field) + "')";
    }
    return new ChangeSetFormatException("malformed change set: " + problem, e);
  }

  /** The field the parser was in, or null (it says nothing when it cannot tell). */
  private String currentName() {
    try {
      return json.currentName();
    } catch (IOException | RuntimeException unknown) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
