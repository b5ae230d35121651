package io.chora.ui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens and comparisons of secrets that do not leak through timing. */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * True when {@code presented} equals {@code expected}. Both are hashed first so the comparison
   * takes the same time whatever their lengths, and {@link MessageDigest#isEqual} does not stop at
   * the first differing byte.
   */
  static boolean matches(String presented, String expected) {
    if (presented == null || expected == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(presented), sha256(expected));
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
