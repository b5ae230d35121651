package io.chora.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads client messages strictly: one JSON object with a known {@code type} and every field that
 * type needs, of the right type. Fields a message does not use are ignored, so a later minor
 * revision can add some. Anything else is a {@link ProtocolViolation} naming what was wrong.
 */
final class ClientMessages {
  static final int PROTOCOL_VERSION = 1;

  /** The minor revision this hub speaks: 1 adds snapshots (docs/protocol.md#snapshots). */
  static final int PROTOCOL_MINOR = 1;

  private final ObjectMapper mapper;

  /**
   * @param maxFrameBytes no string in a frame can be longer; Jackson's own cap is lower
   */
  ClientMessages(int maxFrameBytes) {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength(maxFrameBytes)
                    .maxNestingDepth(16)
                    .build())
            .build();
    this.mapper =
        JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  ClientMessage parse(String text) throws ProtocolViolation {
    JsonNode message;
    try {
      message = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProtocolViolation("not JSON");
    }
    if (message == null || !message.isObject()) {
      throw new ProtocolViolation("a message is a JSON object");
    }
    String type = string(message, "type");
    switch (type) {
      case "hello":
        return hello(message);
      case "push":
        return push(message);
      case "ping":
        return new ClientMessage.Ping(nonce(message).toString());
      case "pong":
        nonce(message);
        return new ClientMessage.Pong();
      case "clock":
        return new ClientMessage.Clock(clock(message, "clock"), digest(message));
      case "snapshot":
        String payload = string(message, "payload");
        checkBase64(payload);
        return new ClientMessage.Snapshot(clock(message, "clock"), payload);
      default:
        throw new ProtocolViolation("unknown type " + Reasons.quote(type));
    }
  }

  private static ClientMessage.Hello hello(JsonNode message) throws ProtocolViolation {
    long version = integer(message, "version");
    if (version != PROTOCOL_VERSION) {
      throw new ProtocolViolation(
          "unsupported version " + version + ", this hub speaks " + PROTOCOL_VERSION);
    }
    return new ClientMessage.Hello(
        site(message, "site"),
        clock(message, "clock"),
        former(message),
        heads(message),
        minor(message) >= 1);
  }

  /** The optional {@code minor}: the protocol revision the client speaks, 0 if absent. */
  private static long minor(JsonNode message) throws ProtocolViolation {
    return message.get("minor") == null ? 0 : integer(message, "minor");
  }

  /** The optional {@code former} array: at most {@value #MAX_FORMER} distinct valid site ids. */
  private static java.util.Set<String> former(JsonNode message) throws ProtocolViolation {
    JsonNode value = message.get("former");
    if (value == null) {
      return java.util.Set.of();
    }
    if (!value.isArray() || value.size() > MAX_FORMER) {
      throw new ProtocolViolation("former must be an array of at most " + MAX_FORMER + " site ids");
    }
    java.util.Set<String> sites = new java.util.LinkedHashSet<>();
    for (JsonNode site : value) {
      if (!site.isTextual() || !Clocks.isValidSite(site.asText())) {
        throw new ProtocolViolation("former holds an invalid site id");
      }
      sites.add(site.asText());
    }
    return java.util.Set.copyOf(sites);
  }

  /** The optional {@code heads}: site to {@code [seq, nonce]}, at most {@value #MAX_FORMER} + 1. */
  private static Map<String, long[]> heads(JsonNode message) throws ProtocolViolation {
    JsonNode value = message.get("heads");
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject() || value.size() > MAX_FORMER + 1) {
      throw new ProtocolViolation("heads must be an object of at most " + (MAX_FORMER + 1));
    }
    Map<String, long[]> heads = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode pair = e.getValue();
      if (!Clocks.isValidSite(e.getKey())
          || !pair.isArray()
          || pair.size() != 2
          || !pair.get(0).isIntegralNumber()
          || !pair.get(1).isIntegralNumber()
          || !pair.get(0).canConvertToLong()
          || !pair.get(1).canConvertToLong()
          || pair.get(0).asLong() < 1
          || !Clocks.isValidSeq(pair.get(0).asLong())) {
        throw new ProtocolViolation("heads must map site ids to [seq, nonce]");
      }
      heads.put(e.getKey(), new long[] {pair.get(0).asLong(), pair.get(1).asLong()});
    }
    return Map.copyOf(heads);
  }

  /** How many former sites a hello may name: a replica changes site on copies, rarely. */
  static final int MAX_FORMER = 64;

  private static ClientMessage.Push push(JsonNode message) throws ProtocolViolation {
    String origin = site(message, "origin");
    long first = integer(message, "first");
    long last = integer(message, "last");
    if (first < 1 || last < first) {
      throw new ProtocolViolation("an envelope needs 1 <= first <= last");
    }
    if (!Clocks.isValidSeq(last)) {
      throw new ProtocolViolation("last is beyond the maximum seq " + Clocks.MAX_SEQ);
    }
    Map<String, Long> deps = clock(message, "deps");
    deps.remove(origin); // first - 1 is implied, and contiguity already checks it
    String payload = string(message, "payload");
    checkBase64(payload);
    Envelope envelope =
        new Envelope(
            origin, first, last, Frames.clock(deps), payload, nonces(message, first, last));
    return new ClientMessage.Push(envelope, Collections.unmodifiableMap(deps));
  }

  /** The optional {@code nonces}: one integer per transaction of the envelope, or null. */
  private static long[] nonces(JsonNode message, long first, long last) throws ProtocolViolation {
    JsonNode value = message.get("nonces");
    if (value == null) {
      return null;
    }
    if (!value.isArray() || value.size() != last - first + 1) {
      throw new ProtocolViolation("nonces must hold one integer per transaction");
    }
    long[] nonces = new long[value.size()];
    for (int i = 0; i < nonces.length; i++) {
      if (!value.get(i).canConvertToLong() || !value.get(i).isIntegralNumber()) {
        throw new ProtocolViolation("nonces must hold one integer per transaction");
      }
      nonces[i] = value.get(i).asLong();
    }
    return nonces;
  }

  private static JsonNode field(JsonNode message, String name) throws ProtocolViolation {
    JsonNode value = message.get(name);
    if (value == null || value.isNull()) {
      throw new ProtocolViolation("missing field " + name);
    }
    return value;
  }

  private static String string(JsonNode message, String name) throws ProtocolViolation {
    JsonNode value = field(message, name);
    if (!value.isTextual()) {
      throw new ProtocolViolation(name + " must be a string");
    }
    return value.textValue();
  }

  private static long integer(JsonNode message, String name) throws ProtocolViolation {
    JsonNode value = field(message, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new ProtocolViolation(name + " must be an integer");
    }
    return value.longValue();
  }

  private static String site(JsonNode message, String name) throws ProtocolViolation {
    String site = string(message, name);
    if (!Clocks.isValidSite(site)) {
      throw new ProtocolViolation(name + " is not a valid site id");
    }
    return site;
  }

  /** A clock object: at most {@link Clocks#MAX_ENTRIES} valid site ids to valid seqs. */
  private static Map<String, Long> clock(JsonNode message, String name) throws ProtocolViolation {
    JsonNode value = field(message, name);
    if (!value.isObject()) {
      throw new ProtocolViolation(name + " must be an object");
    }
    if (value.size() > Clocks.MAX_ENTRIES) {
      throw new ProtocolViolation(name + " holds more than " + Clocks.MAX_ENTRIES + " sites");
    }
    Map<String, Long> clock = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode seq = entry.getValue();
      if (!Clocks.isValidSite(entry.getKey())
          || !seq.isIntegralNumber()
          || !seq.canConvertToLong()
          || !Clocks.isValidSeq(seq.longValue())) {
        throw new ProtocolViolation(
            name + " must map site ids to seqs from 0 to " + Clocks.MAX_SEQ);
      }
      clock.put(entry.getKey(), seq.longValue());
    }
    return clock;
  }

  private static JsonNode nonce(JsonNode message) throws ProtocolViolation {
    JsonNode nonce = field(message, "nonce");
    if (!nonce.isTextual() && !nonce.isIntegralNumber()) {
      throw new ProtocolViolation("nonce must be a string or an integer");
    }
    return nonce;
  }

  /** A digest is opaque like a payload, and small: at most this many characters. */
  static final int MAX_DIGEST_CHARS = 16_384;

  /** The optional {@code digest} of a clock message: base64, at most {@link #MAX_DIGEST_CHARS}. */
  private static String digest(JsonNode message) throws ProtocolViolation {
    JsonNode value = message.get("digest");
    if (value == null) {
      return null;
    }
    if (!value.isTextual() || value.asText().length() > MAX_DIGEST_CHARS) {
      throw new ProtocolViolation("digest must be a string of at most " + MAX_DIGEST_CHARS);
    }
    checkBase64(value.asText(), "digest");
    return value.asText();
  }

  /**
   * The payload stays opaque, but it must be base64: then it needs no escaping in the frames the
   * hub writes, and a receiver never gets something no sender could have meant.
   */
  private static void checkBase64(String payload) throws ProtocolViolation {
    checkBase64(payload, "payload");
  }

  private static void checkBase64(String payload, String field) throws ProtocolViolation {
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!ok) {
        throw new ProtocolViolation(field + " must be base64");
      }
    }
  }
}
