package io.chora.age;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * An age secret key, {@code AGE-SECRET-KEY-1…}: opens files encrypted to its {@link #recipient()}.
 * Keep it secret: {@link #toString()} returns the key itself, so never log it.
 */
public final class X25519Identity implements Identity {
  static final String BECH32_PREFIX = "AGE-SECRET-KEY-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secretKey;
  private final byte[] publicKey;

  private X25519Identity(byte[] secretKey) {
    this.secretKey = secretKey.clone();
    this.publicKey = X25519.publicKey(secretKey);
  }

  /** A new random key. */
  public static X25519Identity generate() {
    byte[] secretKey = new byte[X25519.KEY_LENGTH];
    RANDOM.nextBytes(secretKey);
    return new X25519Identity(secretKey);
  }

  /**
   * Parses an {@code AGE-SECRET-KEY-1…} line, as written by {@code age-keygen}.
   *
   * @throws IllegalArgumentException if it is not one (the message never repeats the input, which
   *     could be a damaged secret)
   */
  public static X25519Identity parse(String identity) {
    Bech32.Decoded decoded;
    try {
      decoded = Bech32.decode(identity.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an age secret key (AGE-SECRET-KEY-1…): " + e.getMessage(), e);
    }
    if (!decoded.hrp().equals(BECH32_PREFIX) || decoded.data().length != X25519.KEY_LENGTH) {
      throw new IllegalArgumentException(
          "not an X25519 age secret key (upper-case AGE-SECRET-KEY-1… with 32 bytes)");
    }
    return new X25519Identity(decoded.data());
  }

  /** The public key to encrypt to. */
  public X25519Recipient recipient() {
    return new X25519Recipient(publicKey);
  }

  @Override
  public Optional<byte[]> unwrap(Stanza stanza) throws AgeException {
    if (!stanza.type().equals(X25519Recipient.STANZA_TYPE)) {
      return Optional.empty();
    }
    if (stanza.args().size() != 1) {
      throw new AgeException("invalid X25519 stanza: it must have exactly one argument");
    }
    byte[] ephemeralShare =
        Base64Strict.decode(stanza.args().get(0))
            .filter(share -> share.length == X25519.KEY_LENGTH)
            .orElseThrow(
                () ->
                    new AgeException(
                        "invalid X25519 stanza: the ephemeral share is not 32 bytes of"
                            + " canonical base64"));
    // Checked before decrypting, as the spec asks, against partitioning-oracle attacks.
    if (stanza.bodyLength() != FileKey.WRAPPED_LENGTH) {
      throw new AgeException("invalid X25519 stanza: the body must be 32 bytes");
    }
    byte[] sharedSecret;
    try {
      sharedSecret = X25519.multiply(secretKey, ephemeralShare);
    } catch (InvalidKeyException lowOrder) {
      throw new AgeException("invalid X25519 stanza: the ephemeral share is a low-order point");
    }
    byte[] salt = X25519Recipient.concat(ephemeralShare, publicKey);
    byte[] wrapKey = Hkdf.derive(sharedSecret, salt, X25519Recipient.WRAP_LABEL);
    return ChaChaPoly.openOnce(wrapKey, stanza.body());
  }

  /** The {@code AGE-SECRET-KEY-1…} string: the secret itself. */
  @Override
  public String toString() {
    return Bech32.encode(BECH32_PREFIX, secretKey);
  }
}
