package io.chora.age;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** An age public key, {@code age1…}: files encrypted to it open with its {@link X25519Identity}. */
public final class X25519Recipient implements Recipient {
  static final String BECH32_PREFIX = "age";
  static final String STANZA_TYPE = "X25519";
  static final String WRAP_LABEL = "age-encryption.org/v1/X25519";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] publicKey;

  X25519Recipient(byte[] publicKey) {
    this.publicKey = publicKey.clone();
  }

  /**
   * Parses an {@code age1…} string, as printed by {@code age-keygen}.
   *
   * @throws IllegalArgumentException if it is not one (the message does not repeat the input)
   */
  public static X25519Recipient parse(String recipient) {
    Bech32.Decoded decoded;
    try {
      decoded = Bech32.decode(recipient.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an age recipient (age1…): " + e.getMessage(), e);
    }
    if (!decoded.hrp().equals(BECH32_PREFIX) || decoded.data().length != X25519.KEY_LENGTH) {
      throw new IllegalArgumentException("not an X25519 age recipient (age1… with 32 bytes)");
    }
    return new X25519Recipient(decoded.data());
  }

  @Override
  public Stanza wrap(byte[] fileKey) {
    byte[] ephemeralSecret = new byte[X25519.KEY_LENGTH];
    RANDOM.nextBytes(ephemeralSecret);
    byte[] ephemeralShare = X25519.publicKey(ephemeralSecret);
    byte[] sharedSecret;
    try {
      sharedSecret = X25519.multiply(ephemeralSecret, publicKey);
    } catch (InvalidKeyException lowOrder) {
      throw new IllegalStateException("this recipient is a low-order point: no key agrees with it");
    } finally {
      Arrays.fill(ephemeralSecret, (byte) 0);
    }
    byte[] wrapKey = Hkdf.derive(sharedSecret, concat(ephemeralShare, publicKey), WRAP_LABEL);
    byte[] body = ChaChaPoly.sealOnce(wrapKey, fileKey);
    return new Stanza(STANZA_TYPE, List.of(Base64Strict.encode(ephemeralShare)), body);
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The {@code age1…} string. */
  @Override
  public String toString() {
    return Bech32.encode(BECH32_PREFIX, publicKey);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof X25519Recipient
        && Arrays.equals(publicKey, ((X25519Recipient) other).publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }
}
