package io.chora.hub;

/** Close reasons: a close frame carries at most 123 bytes of reason. */
final class Reasons {
  private static final int MAX_REASON_BYTES = 123;
  private static final int MAX_QUOTED = 40;

  private Reasons() {}

  /** A client's text inside a reason: short, printable ASCII only. */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < MAX_QUOTED; i++) {
      char c = text.charAt(i);
      quoted.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return quoted.append(text.length() > MAX_QUOTED ? "...\"" : "\"").toString();
  }

  /** {@code reason} cut to what a close frame holds (reasons here are ASCII). */
  static String fit(String reason) {
    return reason.length() <= MAX_REASON_BYTES ? reason : reason.substring(0, MAX_REASON_BYTES);
  }
}
