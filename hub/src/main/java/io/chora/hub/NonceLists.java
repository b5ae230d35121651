package io.chora.hub;

import java.util.StringJoiner;

/** Envelopes' transaction nonces as the store keeps them: {@code "n1,n2,…"}, or null. */
final class NonceLists {
  private NonceLists() {}

  static String format(long[] nonces) {
    if (nonces == null) {
      return null;
    }
    StringJoiner text = new StringJoiner(",");
    for (long n : nonces) {
      text.add(Long.toString(n));
    }
    return text.toString();
  }

  static long[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    String[] parts = text.split(",");
    long[] nonces = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      nonces[i] = Long.parseLong(parts[i]);
    }
    return nonces;
  }

  /**
   * The first seq in {@code pushed} whose nonce differs from the stored envelope's ({@code
   * storedFirst}, {@code stored}), or 0 when every seq both name agrees (or either is unknown).
   */
  static long firstDifference(Envelope pushed, long storedFirst, long[] stored) {
    if (pushed.nonces() == null || stored == null) {
      return 0;
    }
    long from = Math.max(pushed.first(), storedFirst);
    long to = Math.min(pushed.last(), storedFirst + stored.length - 1);
    for (long seq = from; seq <= to; seq++) {
      if (pushed.nonces()[(int) (seq - pushed.first())] != stored[(int) (seq - storedFirst)]) {
        return seq;
      }
    }
    return 0;
  }
}
