package io.chora.hub;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Clocks as the protocol has them: site id to the highest transaction seq held, and the bounds on
 * them (docs/protocol.md, "Bounds"). The numbers are chora's own ({@code io.chora.sync.Limits}),
 * repeated here since the hub never depends on that module.
 */
final class Clocks {
  /** The highest seq or clock value a message may carry: 2^53 − 1, as in change sets. */
  static final long MAX_SEQ = (1L << 53) - 1;

  /** The most sites one clock may hold, as in change sets. */
  static final int MAX_ENTRIES = 10_000;

  /**
   * 1-128 letters, digits, {@code . _ : @ -}: java mode's site ids and native mode's ({@code
   * hex@crsqlite}); no control characters, nothing that delimits a clock's text form.
   */
  private static final Pattern SITE = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  private Clocks() {}

  /** Whether {@code clock} holds everything {@code other} does. */
  static boolean coversAll(Map<String, Long> clock, Map<String, Long> other) {
    return other.entrySet().stream()
        .allMatch(e -> clock.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  static boolean isValidSite(String site) {
    return SITE.matcher(site).matches();
  }

  /** Whether {@code seq} is a seq or clock value a message may carry. */
  static boolean isValidSeq(long seq) {
    return seq >= 0 && seq <= MAX_SEQ;
  }
}
