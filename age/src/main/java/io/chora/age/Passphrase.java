package io.chora.age;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.SCrypt;

/** The scrypt wrap key of age's passphrase stanzas, shared by recipient and identity. */
final class Passphrase {
  static final String STANZA_TYPE = "scrypt";
  static final String SALT_LABEL = "age-encryption.org/v1/scrypt";
  static final int SALT_LENGTH = 16;

  /** The range Go's age accepts when setting a work factor. */
  static final int MIN_LOG_N = 1;

  static final int MAX_LOG_N = 30;

  private Passphrase() {}

  static char[] copyNonEmpty(char[] passphrase) {
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    return passphrase.clone();
  }

  static void requireLogN(int logN, String what) {
    if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
      throw new IllegalArgumentException(
          what + " must be between " + MIN_LOG_N + " and " + MAX_LOG_N + ", not " + logN);
    }
  }

  /** scrypt(N = 2^logN, r = 8, p = 1, dkLen = 32, S = label || salt, P = UTF-8 passphrase). */
  static byte[] wrapKey(char[] passphrase, byte[] salt, int logN) throws AgeException {
    // scrypt needs 128 * r * N bytes; fail with a reason rather than an OutOfMemoryError.
    long memory = 1024L << logN;
    if (memory > Runtime.getRuntime().maxMemory() - 16 * 1024 * 1024) {
      throw new AgeException(
          "scrypt work factor 2^"
              + logN
              + " needs "
              + (memory >> 20)
              + " MiB of memory, more than this JVM may use (raise -Xmx)");
    }
    byte[] password = utf8(passphrase);
    try {
      byte[] labelledSalt =
          X25519Recipient.concat(SALT_LABEL.getBytes(StandardCharsets.US_ASCII), salt);
      return SCrypt.generate(password, labelledSalt, 1 << logN, 8, 1, 32);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  private static byte[] utf8(char[] passphrase) {
    // Through buffers rather than a String, so the secret can be wiped afterwards.
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
