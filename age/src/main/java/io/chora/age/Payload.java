package io.chora.age;

/**
 * Constants of the payload: STREAM over ChaCha20-Poly1305 with 64 KiB chunks, each sealed under a
 * nonce of an 11-byte big-endian chunk counter and a final-chunk flag byte. The flag is what makes
 * truncation at a chunk boundary detectable.
 */
final class Payload {
  static final int NONCE_LENGTH = 16;
  static final int CHUNK_LENGTH = 64 * 1024;
  static final int SEALED_CHUNK_LENGTH = CHUNK_LENGTH + ChaChaPoly.TAG_LENGTH;

  private Payload() {}

  static byte[] chunkNonce(long counter, boolean last) {
    if (counter < 0) {
      throw new IllegalStateException("more than 2^63 chunks");
    }
    byte[] nonce = new byte[ChaChaPoly.NONCE_LENGTH];
    // Bytes 0..10 are the counter; a long fills the low 8 of them.
    for (int i = 0; i < Long.BYTES; i++) {
      nonce[10 - i] = (byte) (counter >>> (8 * i));
    }
    nonce[11] = (byte) (last ? 1 : 0);
    return nonce;
  }
}
