package io.chora.age;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) as age uses it: no length limit, all upper or all lower case, checksum over the
 * lower-case form. age keys are {@code age1…} (lower case) and {@code AGE-SECRET-KEY-1…} (upper).
 */
final class Bech32 {
  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int[] GENERATOR = {
    0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
  };
  private static final int CHECKSUM_LENGTH = 6;

  /** A decoded string; {@code hrp} keeps the case of the input. */
  record Decoded(String hrp, byte[] data) {}

  private Bech32() {}

  /** Encodes; the output is upper case if {@code hrp} is (as for secret keys). */
  static String encode(String hrp, byte[] data) {
    if (hrp.isEmpty() || !isUniformCase(hrp) || !isPrintableAscii(hrp)) {
      throw new IllegalArgumentException("invalid Bech32 prefix: " + hrp);
    }
    String lowerHrp = hrp.toLowerCase(Locale.ROOT);
    byte[] values = convertBits(data, 8, 5, true);
    StringBuilder out = new StringBuilder(lowerHrp).append('1');
    for (byte v : values) {
      out.append(CHARSET.charAt(v));
    }
    for (byte v : checksum(lowerHrp, values)) {
      out.append(CHARSET.charAt(v));
    }
    boolean upper = !hrp.equals(lowerHrp);
    return upper ? out.toString().toUpperCase(Locale.ROOT) : out.toString();
  }

  static Decoded decode(String s) {
    if (!isUniformCase(s)) {
      throw new IllegalArgumentException("mixed case");
    }
    int separator = s.lastIndexOf('1');
    if (separator < 1 || separator + 1 + CHECKSUM_LENGTH > s.length()) {
      throw new IllegalArgumentException("separator '1' missing or misplaced");
    }
    String hrp = s.substring(0, separator);
    if (!isPrintableAscii(hrp)) {
      throw new IllegalArgumentException("invalid character in prefix");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    byte[] values = new byte[s.length() - separator - 1];
    for (int i = 0; i < values.length; i++) {
      int v = CHARSET.indexOf(lower.charAt(separator + 1 + i));
      if (v < 0) {
        throw new IllegalArgumentException("invalid character in data part");
      }
      values[i] = (byte) v;
    }
    if (polymod(expandHrp(hrp.toLowerCase(Locale.ROOT)), values) != 1) {
      throw new IllegalArgumentException("invalid checksum");
    }
    byte[] payload = new byte[values.length - CHECKSUM_LENGTH];
    System.arraycopy(values, 0, payload, 0, payload.length);
    return new Decoded(hrp, convertBits(payload, 5, 8, false));
  }

  private static byte[] checksum(String lowerHrp, byte[] values) {
    byte[] withZeros = new byte[values.length + CHECKSUM_LENGTH];
    System.arraycopy(values, 0, withZeros, 0, values.length);
    int mod = polymod(expandHrp(lowerHrp), withZeros) ^ 1;
    byte[] out = new byte[CHECKSUM_LENGTH];
    for (int i = 0; i < CHECKSUM_LENGTH; i++) {
      out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
    }
    return out;
  }

  private static int polymod(byte[] hrpValues, byte[] values) {
    int chk = 1;
    for (byte[] part : new byte[][] {hrpValues, values}) {
      for (byte v : part) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; i++) {
          if (((top >>> i) & 1) == 1) {
            chk ^= GENERATOR[i];
          }
        }
      }
    }
    return chk;
  }

  private static byte[] expandHrp(String lowerHrp) {
    int n = lowerHrp.length();
    byte[] out = new byte[2 * n + 1];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (lowerHrp.charAt(i) >>> 5);
      out[n + 1 + i] = (byte) (lowerHrp.charAt(i) & 31);
    }
    return out;
  }

  private static byte[] convertBits(byte[] data, int fromBits, int toBits, boolean pad) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int accumulator = 0;
    int bits = 0;
    int maxValue = (1 << toBits) - 1;
    for (byte b : data) {
      int value = b & 0xff;
      accumulator = (accumulator << fromBits) | value;
      bits += fromBits;
      while (bits >= toBits) {
        bits -= toBits;
        out.write((accumulator >>> bits) & maxValue);
      }
    }
    if (pad) {
      if (bits > 0) {
        out.write((accumulator << (toBits - bits)) & maxValue);
      }
    } else if (bits >= fromBits) {
      throw new IllegalArgumentException("illegal zero padding");
    } else if (((accumulator << (toBits - bits)) & maxValue) != 0) {
      throw new IllegalArgumentException("non-zero padding");
    }
    return out.toByteArray();
  }

  private static boolean isUniformCase(String s) {
    return s.equals(s.toLowerCase(Locale.ROOT)) || s.equals(s.toUpperCase(Locale.ROOT));
  }

  private static boolean isPrintableAscii(String s) {
    return s.chars().allMatch(c -> c >= 33 && c <= 126);
  }
}
