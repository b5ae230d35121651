package io.chora.hub;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Map;

/**
 * The hub's messages as JSON text. Written by hand rather than through a generator because an
 * envelope is written once and sent to every receiver, and its payload (checked base64) and deps
 * (JSON the hub wrote itself) are copied without re-encoding.
 */
final class Frames {
  private Frames() {}

  static String welcome(Map<String, Long> hubClock) {
    StringBuilder json = new StringBuilder(64).append("{\"type\":\"welcome\",\"version\":");
    json.append(ClientMessages.PROTOCOL_VERSION).append(",\"minor\":");
    json.append(ClientMessages.PROTOCOL_MINOR).append(",\"peerClocks\":1,\"hubClock\":");
    return appendClock(json, hubClock).append('}').toString();
  }

  /** Another client's clock, as it said: what that replica holds; and its digest there, if any. */
  static String peerClock(String site, Map<String, Long> clock, String digest) {
    StringBuilder json = new StringBuilder(64).append("{\"type\":\"peerClock\",\"site\":");
    appendString(json, site).append(",\"clock\":");
    appendClock(json, clock);
    if (digest != null) {
      json.append(",\"digest\":\"").append(digest).append('"'); // base64: nothing to escape
    }
    return json.append('}').toString();
  }

  static String caughtUp(Map<String, Long> hubClock) {
    StringBuilder json = new StringBuilder(64).append("{\"type\":\"caughtUp\",\"hubClock\":");
    return appendClock(json, hubClock).append('}').toString();
  }

  static String ack(String origin, long last) {
    StringBuilder json = new StringBuilder(64).append("{\"type\":\"ack\",\"origin\":");
    return appendString(json, origin).append(",\"last\":").append(last).append('}').toString();
  }

  static String nack(Envelope refused, String reason) {
    StringBuilder json = new StringBuilder(96).append("{\"type\":\"nack\",\"origin\":");
    appendString(json, refused.origin());
    json.append(",\"first\":").append(refused.first());
    json.append(",\"last\":").append(refused.last()).append(",\"reason\":");
    return appendString(json, reason).append('}').toString();
  }

  static String envelope(Envelope envelope) {
    StringBuilder json = new StringBuilder(envelope.payload().length() + 128);
    json.append("{\"type\":\"envelope\",\"origin\":");
    appendString(json, envelope.origin());
    json.append(",\"first\":").append(envelope.first());
    json.append(",\"last\":").append(envelope.last());
    json.append(",\"deps\":").append(envelope.depsJson());
    json.append(",\"payload\":\"").append(envelope.payload()).append("\"}");
    return json.toString();
  }

  /** A member's snapshot for a client that starts from it (protocol 1.1). */
  static String snapshot(LogStore.Snapshot snapshot) {
    StringBuilder json = new StringBuilder(snapshot.payload().length() + 128);
    json.append("{\"type\":\"snapshot\",\"site\":");
    appendString(json, snapshot.site()).append(",\"clock\":");
    appendClock(json, snapshot.clock());
    return json.append(",\"payload\":\"").append(snapshot.payload()).append("\"}").toString();
  }

  /** Asks a member to upload a snapshot (protocol 1.1). */
  static String snapshotWanted() {
    return "{\"type\":\"snapshotWanted\"}";
  }

  /** Answers a snapshot upload: stored, or refused with why. */
  static String snapshotStored(Map<String, Long> clock, String refusal) {
    StringBuilder json = new StringBuilder(64).append("{\"type\":\"snapshotStored\",\"clock\":");
    appendClock(json, clock);
    if (refusal != null) {
      appendString(json.append(",\"refused\":"), refusal);
    }
    return json.append('}').toString();
  }

  static String ping(String nonceJson) {
    return "{\"type\":\"ping\",\"nonce\":" + nonceJson + "}";
  }

  static String pong(String nonceJson) {
    return "{\"type\":\"pong\",\"nonce\":" + nonceJson + "}";
  }

  /** A clock as a JSON object. */
  static String clock(Map<String, Long> clock) {
    return appendClock(new StringBuilder(32), clock).toString();
  }

  private static StringBuilder appendClock(StringBuilder json, Map<String, Long> clock) {
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, Long> entry : clock.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      appendString(json, entry.getKey()).append(':').append(entry.getValue());
    }
    return json.append('}');
  }

  /** {@code text} as a JSON string. */
  static String string(String text) {
    return appendString(new StringBuilder(), text).toString();
  }

  private static StringBuilder appendString(StringBuilder json, String text) {
    json.append('"');
    JsonStringEncoder.getInstance().quoteAsString(text, json);
    return json.append('"');
  }
}
