package io.chora.age;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA-256 (RFC 5869) with a 32-byte output, the only length age uses. JDK 17 has no HKDF. */
final class Hkdf {
  static final int KEY_LENGTH = 32;

  private Hkdf() {}

  static byte[] derive(byte[] inputKeyMaterial, byte[] salt, String info) {
    return derive(inputKeyMaterial, salt, info.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] derive(byte[] inputKeyMaterial, byte[] salt, byte[] info) {
    // RFC 5869: an absent salt is HashLen zero bytes (the JDK refuses an empty HMAC key).
    byte[] extractKey = salt.length == 0 ? new byte[KEY_LENGTH] : salt;
    byte[] pseudoRandomKey = hmacSha256(extractKey, inputKeyMaterial);
    // Expand: one block T(1) = HMAC(PRK, info || 0x01) already gives the 32 bytes needed.
    byte[] firstBlockInput = Arrays.copyOf(info, info.length + 1);
    firstBlockInput[info.length] = 1;
    return hmacSha256(pseudoRandomKey, firstBlockInput);
  }

  static byte[] hmacSha256(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
