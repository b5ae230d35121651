package io.chora.jdbc.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.chora.sync.Limits;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The messages of docs/protocol.md (version 1): flat JSON objects with a {@code type}, whose fields
 * are strings, numbers and clocks. Written and read with jackson-core's streaming API, the driver's
 * only JSON dependency.
 */
final class HubProtocol {
  static final int VERSION = 1;

  /** The minor revision this client speaks: 1 takes and makes snapshots (docs/protocol.md). */
  static final int MINOR = 1;

  private static final JsonFactory JSON = new JsonFactory();

  private HubProtocol() {}

  /**
   * One envelope: a run of an origin's transactions, applied together (see the protocol). {@code
   * nonces}: each transaction's nonce, first to last, which the hub compares with what it stores to
   * refuse a fork; empty when unknown (and in envelopes the hub relays).
   */
  record Envelope(
      String origin,
      long first,
      long last,
      VectorClock deps,
      String payload,
      java.util.List<Long> nonces) {}

  static String hello(String site, VectorClock clock, java.util.List<String> former) {
    return hello(site, clock, former, java.util.Map.of());
  }

  static String hello(
      String site,
      VectorClock clock,
      java.util.List<String> former,
      java.util.Map<String, io.chora.sync.Head> heads) {
    return write(
        g -> {
          g.writeStringField("type", "hello");
          g.writeNumberField("version", VERSION);
          g.writeNumberField("minor", MINOR);
          g.writeStringField("site", site);
          writeClock(g, "clock", clock);
          if (!former.isEmpty()) {
            g.writeArrayFieldStart("former");
            for (String s : former) {
              g.writeString(s);
            }
            g.writeEndArray();
          }
          if (!heads.isEmpty()) {
            g.writeObjectFieldStart("heads");
            for (var e : new java.util.TreeMap<>(heads).entrySet()) {
              g.writeArrayFieldStart(e.getKey());
              g.writeNumber(e.getValue().seq());
              g.writeNumber(e.getValue().nonce());
              g.writeEndArray();
            }
            g.writeEndObject();
          }
        });
  }

  /** This replica's whole state at {@code clock}, sealed (protocol 1.1). */
  static String snapshot(VectorClock clock, String payload) {
    return write(
        g -> {
          g.writeStringField("type", "snapshot");
          writeClock(g, "clock", clock);
          g.writeStringField("payload", payload);
        });
  }

  static String push(Envelope e) {
    return write(
        g -> {
          g.writeStringField("type", "push");
          g.writeStringField("origin", e.origin());
          g.writeNumberField("first", e.first());
          g.writeNumberField("last", e.last());
          writeClock(g, "deps", e.deps());
          g.writeStringField("payload", e.payload());
          if (!e.nonces().isEmpty()) {
            g.writeArrayFieldStart("nonces");
            for (long n : e.nonces()) {
              g.writeNumber(n);
            }
            g.writeEndArray();
          }
        });
  }

  /**
   * This replica's clock, which the hub relays to the others (hubs that said peerClocks), with the
   * digest of its tables at that clock when there is one (base64, opaque to the hub).
   */
  static String clock(VectorClock clock, String digest) {
    return write(
        g -> {
          g.writeStringField("type", "clock");
          writeClock(g, "clock", clock);
          if (digest != null) {
            g.writeStringField("digest", digest);
          }
        });
  }

  /** A digest ({@code shared.StateDigest}) as a flat JSON object of names and integers. */
  static String digestJson(Map<String, Long> digest) {
    return write(
        g -> {
          for (Map.Entry<String, Long> e : digest.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
          }
        });
  }

  /** A digest back from {@link #digestJson}; an error when it is anything else. */
  static Map<String, Long> readDigest(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      Map<String, Long> digest = new TreeMap<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        if (digest.put(name, p.getLongValue()) != null) {
          throw new IOException("'" + name + "' twice");
        }
      }
      return digest;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a digest: " + e.getMessage(), e);
    }
  }

  static String ping(String type, long nonce) {
    return write(
        g -> {
          g.writeStringField("type", type);
          g.writeNumberField("nonce", nonce);
        });
  }

  /** A received message: its fields by name; clocks as {@link VectorClock}. */
  record Message(Map<String, Object> fields) {
    String type() {
      return text("type");
    }

    String text(String name) {
      Object v = fields.get(name);
      if (!(v instanceof String s)) {
        throw new IllegalArgumentException("message lacks text field '" + name + "'");
      }
      return s;
    }

    /** A text field that may be missing: null then. */
    String optionalText(String name) {
      return fields.get(name) instanceof String s ? s : null;
    }

    long number(String name) {
      Object v = fields.get(name);
      if (!(v instanceof Long n)) {
        throw new IllegalArgumentException(
            type() + " lacks number field '" + name + "' (or it is beyond 64 bits)");
      }
      return n;
    }

    /** A seq field: 0 to {@link Limits#MAX_SEQ}, as the hub checks the clients' (protocol.md). */
    long seq(String name) {
      long seq = number(name);
      if (seq < 0 || seq > Limits.MAX_SEQ) {
        throw new IllegalArgumentException(
            type() + ": '" + name + "' " + seq + " is beyond the bounds 0.." + Limits.MAX_SEQ);
      }
      return seq;
    }

    /** A site id field, as {@link Limits#SITE} bounds them. */
    String site(String name) {
      String site = text(name);
      String problem = Limits.siteProblem(site, type() + ": '" + name + "'");
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return site;
    }

    /** A clock field, within the bounds of {@link Limits#clockProblem}. */
    VectorClock clock(String name) {
      Object v = fields.get(name);
      if (!(v instanceof VectorClock c)) {
        throw new IllegalArgumentException(type() + " lacks clock field '" + name + "'");
      }
      String problem = Limits.clockProblem(c, type() + ": '" + name + "'");
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return c;
    }

    /** An envelope's fields, each within its bounds: {@code 1 <= first <= last <= 2^53 - 1}. */
    Envelope envelope() {
      String origin = site("origin");
      long first = seq("first");
      long last = seq("last");
      if (first < 1 || first > last) {
        throw new IllegalArgumentException(
            "envelope: 'first' " + first + " and 'last' " + last + " are not 1 <= first <= last");
      }
      return new Envelope(origin, first, last, clock("deps"), text("payload"), java.util.List.of());
    }
  }

  /**
   * A message from the hub, read as strictly as the hub reads the clients' (docs/protocol.md): a
   * key twice is refused, not last-wins; the accessors check each field's bounds.
   */
  static Message read(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      expect(p.nextToken(), JsonToken.START_OBJECT);
      Map<String, Object> fields = new HashMap<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        fields.put(
            name,
            switch (value) {
              case VALUE_STRING -> p.getText();
              case VALUE_NUMBER_INT ->
                  p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
              case START_OBJECT -> readClock(p);
              default -> {
                p.skipChildren();
                yield null; // a field this version does not know: ignored
              }
            });
      }
      return new Message(fields);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a protocol message: " + e.getMessage(), e);
    }
  }

  private static VectorClock readClock(JsonParser p) throws IOException {
    Map<String, Long> entries = new TreeMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String site = p.currentName();
      if (entries.size() >= Limits.MAX_CLOCK_ENTRIES) { // refused before it fills memory
        throw new IOException(
            "'" + site + "': a clock of more than " + Limits.MAX_CLOCK_ENTRIES + " entries");
      }
      expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new IOException("clock value for '" + site + "' is beyond 64 bits");
      }
      entries.put(site, p.getLongValue());
    }
    try {
      return VectorClock.of(entries);
    } catch (IllegalArgumentException e) {
      throw new IOException("a clock: " + e.getMessage(), e);
    }
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", found " + actual);
    }
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeClock(JsonGenerator g, String name, VectorClock clock)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
