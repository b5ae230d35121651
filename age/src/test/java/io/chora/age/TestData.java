package io.chora.age;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

/** Shared helpers: reproducible data and whole-file encrypt/decrypt in memory. */
final class TestData {
  static final int CHUNK = 64 * 1024;

  private TestData() {}

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static byte[] encrypt(byte[] plaintext, boolean armor, Recipient... recipients)
      throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (OutputStream out = Age.encrypt(file, armor, recipients)) {
      out.write(plaintext);
    }
    return file.toByteArray();
  }

  static byte[] decrypt(byte[] file, Identity... identities) throws IOException {
    try (InputStream in = Age.decrypt(new java.io.ByteArrayInputStream(file), identities)) {
      return in.readAllBytes();
    }
  }

  /** Where the payload (its 16-byte nonce) starts: after the MAC line. */
  static int payloadOffset(byte[] file) {
    String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
    return text.indexOf('\n', text.indexOf("\n--- ") + 1) + 1;
  }
}
