package io.chora.age;

import java.security.SecureRandom;

/** The random 128-bit key of one file, and the keys age derives from it. */
final class FileKey {
  static final int LENGTH = 16;

  /** A file key sealed with ChaCha20-Poly1305, as every native stanza body holds it. */
  static final int WRAPPED_LENGTH = LENGTH + ChaChaPoly.TAG_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();

  private FileKey() {}

  static byte[] generate() {
    byte[] key = new byte[LENGTH];
    RANDOM.nextBytes(key);
    return key;
  }

  static byte[] headerMacKey(byte[] fileKey) {
    return Hkdf.derive(fileKey, new byte[0], "header");
  }

  static byte[] payloadKey(byte[] fileKey, byte[] payloadNonce) {
    return Hkdf.derive(fileKey, payloadNonce, "payload");
  }
}
