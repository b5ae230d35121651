package io.chora.hub;

import java.util.Map;

/** Clocks as the protocol has them: site id to the highest transaction seq held. */
final class Clocks {
  private static final int MAX_SITE_LENGTH = 128;

  private Clocks() {}

  /** Whether {@code clock} already holds transactions up to {@code last} of {@code origin}. */
  static boolean covers(Map<String, Long> clock, String origin, long last) {
    Long held = clock.get(origin);
    return held != null && held >= last;
  }

  /** 1-128 characters, none of {@code , = { }} (they delimit clocks in chora's text form). */
  static boolean isValidSite(String site) {
    if (site.isEmpty() || site.length() > MAX_SITE_LENGTH) {
      return false;
    }
    for (int i = 0; i < site.length(); i++) {
      char c = site.charAt(i);
      if (c == ',' || c == '=' || c == '{' || c == '}') {
        return false;
      }
    }
    return true;
  }
}
