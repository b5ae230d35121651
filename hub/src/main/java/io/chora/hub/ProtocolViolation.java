package io.chora.hub;

/**
 * A client broke the protocol: its connection is closed with {@link #code()} and the message as the
 * close reason. Nobody else is affected.
 */
final class ProtocolViolation extends Exception {
  /** Malformed, out of order, or not allowed (RFC 6455 "policy violation"). */
  static final int POLICY = 1008;

  /** A binary frame: the protocol is JSON text only (RFC 6455 "unsupported data"). */
  static final int UNSUPPORTED_DATA = 1003;

  /** More than the connection may hold (RFC 6455 "message too big"). */
  static final int MESSAGE_TOO_BIG = 1009;

  private final int code;

  ProtocolViolation(String reason) {
    this(POLICY, reason);
  }

  ProtocolViolation(int code, String reason) {
    super(reason, null, false, false); // expected on bad input: no stack trace to fill
    this.code = code;
  }

  int code() {
    return code;
  }
}
