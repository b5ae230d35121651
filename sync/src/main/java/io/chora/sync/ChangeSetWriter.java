package io.chora.sync;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.Map;

/**
 * Writes a change set as JSON one transaction at a time. Format version 3 (version 1 lacked {@code
 * heads} and {@code nonce}, version 2 a change's {@code life}; readers take all three):
 *
 * <pre>
 * {"format":"chora.changeset","version":2,"site":"a","clock":{"a":2},"heads":{"a":[1,-8120…]},
 *  "transactions":[{"site":"a","seq":2,"hlc":113...,"nonce":5532…,"deps":{"a":1},"changes":[
 *    {"table":"item","key":[7],"kind":"insert","cl":1,"life":["a",2],"values":{"id":7,"data":{"blob":"AP8="}}}]}]}
 * </pre>
 *
 * An update that increments counting columns also carries {@code "adds":{"hits":2}} (amounts;
 * readers that predate it refuse the set whole).
 *
 * <p>Values: JSON null, integers (SQLite INTEGER), numbers with a fraction or exponent (REAL),
 * strings (TEXT), {@code {"blob":base64}} (BLOB) and {@code {"real":"Infinity"|"-Infinity"|"NaN"}}.
 */
public final class ChangeSetWriter implements AutoCloseable {
  static final String FORMAT = "chora.changeset";
  static final int VERSION = 3;

  /** The oldest version readers still take. */
  static final int OLDEST_VERSION = 1;

  // no cap on string length: a BLOB's base64 or a TEXT may exceed Jackson's default of 20M chars;
  // REALs written by the Schubfach writer: the shortest digits that read back bit-exact, as
  // Double.toString's (with a '.' or an exponent), at a few times its speed
  static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  private final JsonGenerator json;

  public ChangeSetWriter(OutputStream out, String site, VectorClock clock) throws IOException {
    this(out, site, clock, Map.of());
  }

  /** A writer whose header carries {@code heads} (see {@link ChangeSet#heads()}). */
  public ChangeSetWriter(OutputStream out, String site, VectorClock clock, Map<String, Head> heads)
      throws IOException {
    json = JSON.createGenerator(out, JsonEncoding.UTF8);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    json.writeStartObject();
    json.writeStringField("format", FORMAT);
    json.writeNumberField("version", VERSION);
    json.writeStringField("site", site);
    json.writeFieldName("clock");
    writeClock(clock);
    if (!heads.isEmpty()) {
      json.writeObjectFieldStart("heads");
      for (Map.Entry<String, Head> e : new java.util.TreeMap<>(heads).entrySet()) {
        json.writeArrayFieldStart(e.getKey());
        json.writeNumber(e.getValue().seq());
        json.writeNumber(e.getValue().nonce());
        json.writeEndArray();
      }
      json.writeEndObject();
    }
    json.writeArrayFieldStart("transactions");
  }

  private void writeClock(VectorClock clock) throws IOException {
    json.writeStartObject();
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
  }

  public void write(Transaction tx) throws IOException {
    json.writeStartObject();
    json.writeStringField("site", tx.dot().site());
    json.writeNumberField("seq", tx.dot().seq());
    json.writeNumberField("hlc", tx.hlc());
    if (tx.nonce() != 0) {
      json.writeNumberField("nonce", tx.nonce());
    }
    json.writeFieldName("deps");
    writeClock(tx.deps());
    json.writeArrayFieldStart("changes");
    for (Change change : tx.changes()) {
      writeChange(change);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private void writeChange(Change change) throws IOException {
    json.writeStartObject();
    json.writeStringField("table", change.table());
    json.writeArrayFieldStart("key");
    for (Object part : change.key()) {
      writeValue(part);
    }
    json.writeEndArray();
    json.writeStringField("kind", change.kind().wireName());
    json.writeNumberField("cl", change.causalLength());
    if (change.life() != null) {
      json.writeArrayFieldStart("life");
      json.writeString(change.life().site());
      json.writeNumber(change.life().seq());
      json.writeEndArray();
    }
    if (change.kind() != ChangeKind.DELETE) {
      json.writeObjectFieldStart("values");
      for (Map.Entry<String, Object> e : change.values().entrySet()) {
        json.writeFieldName(e.getKey());
        writeValue(e.getValue());
      }
      json.writeEndObject();
    }
    if (!change.adds().isEmpty()) {
      json.writeObjectFieldStart("adds");
      for (Map.Entry<String, Long> e : change.adds().entrySet()) {
        json.writeNumberField(e.getKey(), e.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private void writeValue(Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Double d) {
      if (d.isInfinite() || d.isNaN()) { // JSON has no literal for these
        json.writeStartObject();
        json.writeStringField("real", d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        json.writeEndObject();
      } else {
        json.writeNumber(d); // keeps a '.' or an exponent, so it reads back as REAL, bit-exact
      }
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof byte[] bytes) {
      json.writeStartObject();
      json.writeStringField("blob", Base64.getEncoder().encodeToString(bytes));
      json.writeEndObject();
    } else {
      SqlValues.require(value);
    }
  }

  /** Ends the JSON document; the underlying stream stays open and is flushed. */
  @Override
  public void close() throws IOException {
    json.writeEndArray();
    json.writeEndObject();
    json.close();
  }
}
