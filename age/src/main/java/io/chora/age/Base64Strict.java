package io.chora.age;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The unpadded ("raw") standard base64 of the age header. Decoding is canonical-only: the JDK
 * decoder tolerates missing padding and non-zero unused bits, which would make the header
 * malleable, so every decoded value is re-encoded and compared.
 */
final class Base64Strict {
  private static final Base64.Encoder RAW = Base64.getEncoder().withoutPadding();

  private Base64Strict() {}

  static String encode(byte[] bytes) {
    return RAW.encodeToString(bytes);
  }

  /** The bytes {@code text} encodes, or empty if it is not the canonical unpadded encoding. */
  static Optional<byte[]> decode(String text) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    return RAW.encodeToString(decoded).equals(text) ? Optional.of(decoded) : Optional.empty();
  }
}
