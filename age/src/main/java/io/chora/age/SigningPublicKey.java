package io.chora.age;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A device's Ed25519 public signing key, {@code chorasign1…} (Bech32, like {@code age1…}): what a
 * members file lists next to a member's age recipient, so that receivers can tell a member's change
 * sets from anyone else's. Not part of age; kept here beside the keys age uses.
 */
public final class SigningPublicKey {
  static final String BECH32_PREFIX = "chorasign";
  static final int KEY_LENGTH = 32;

  /** DER of an Ed25519 SubjectPublicKeyInfo before its 32 key bytes (RFC 8410). */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final byte[] raw;
  private final PublicKey key;

  SigningPublicKey(byte[] raw) {
    this.raw = raw.clone();
    byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_LENGTH);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, KEY_LENGTH);
    try {
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  static SigningPublicKey of(PublicKey jdkKey) {
    byte[] der = jdkKey.getEncoded();
    return new SigningPublicKey(Arrays.copyOfRange(der, der.length - KEY_LENGTH, der.length));
  }

  /**
   * Parses a {@code chorasign1…} string, as {@code chora keygen} prints it.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static SigningPublicKey parse(String text) {
    Bech32.Decoded decoded;
    try {
      decoded = Bech32.decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a signing key (chorasign1…): " + e.getMessage(), e);
    }
    if (!decoded.hrp().equals(BECH32_PREFIX) || decoded.data().length != KEY_LENGTH) {
      throw new IllegalArgumentException("not a signing key (chorasign1… with 32 bytes)");
    }
    return new SigningPublicKey(decoded.data());
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
  public boolean verifies(byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException malformed) { // e.g. a signature of the wrong length
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningPublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code chorasign1…} string. */
  @Override
  public String toString() {
    return Bech32.encode(BECH32_PREFIX, raw);
  }
}
