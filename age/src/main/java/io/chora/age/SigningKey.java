package io.chora.age;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A device's Ed25519 signing key (the JDK's {@code Ed25519}), kept in a file beside its age
 * identity and written the same way (0600 from the first byte, never over an existing file):
 *
 * <pre>
 * # created: 2026-12-03T22:00:00Z
 * # public key: chorasign1…
 * CHORA-SIGN-SECRET-KEY-1…
 * </pre>
 *
 * The secret line is the key's 32-byte seed in upper-case Bech32, as age writes its own. Keep it
 * secret: {@link #toString()} returns the secret itself.
 */
public final class SigningKey {
  static final String BECH32_PREFIX = "CHORA-SIGN-SECRET-KEY-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] seed;
  private final PrivateKey key;
  private final SigningPublicKey publicKey;

  private SigningKey(byte[] seed) {
    this.seed = seed.clone();
    KeyPair pair;
    try {
      // The JDK derives an Ed25519 pair from 32 random bytes, the seed: feeding it the stored seed
      // gives back the same pair, without a second copy of the public key in the file.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(255, new SeedRandom(this.seed));
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks Ed25519: " + e.getMessage(), e);
    }
    this.key = pair.getPrivate();
    this.publicKey = SigningPublicKey.of(pair.getPublic());
  }

  /** A new random key. */
  public static SigningKey generate() {
    byte[] seed = new byte[SigningPublicKey.KEY_LENGTH];
    RANDOM.nextBytes(seed);
    return new SigningKey(seed);
  }

  /** Reads the key in a file written by {@link #write}; the error names the file, never the key. */
  public static SigningKey read(Path file) throws IOException {
    if (Files.size(file) > 64 * 1024) {
      throw new AgeException(file + " is too big to be a signing key file");
    }
    SigningKey found = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (found != null) {
        throw new AgeException(file + " holds more than one signing key");
      }
      try {
        Bech32.Decoded decoded = Bech32.decode(line);
        if (!decoded.hrp().equals(BECH32_PREFIX)
            || decoded.data().length != SigningPublicKey.KEY_LENGTH) {
          throw new IllegalArgumentException("not a CHORA-SIGN-SECRET-KEY-1… line");
        }
        found = new SigningKey(decoded.data());
      } catch (IllegalArgumentException e) {
        throw new AgeException(file + ": not a signing key file (" + e.getMessage() + ")");
      }
    }
    if (found == null) {
      throw new AgeException(file + " contains no signing key");
    }
    return found;
  }

  /** Writes a new key file, exactly as {@link IdentityFile#write} writes an identity. */
  public static void write(Path file, SigningKey key) throws IOException {
    String created =
        OffsetDateTime.now()
            .truncatedTo(ChronoUnit.SECONDS)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    OwnerOnlyFile.create(
        file, "# created: " + created + "\n# public key: " + key.publicKey() + "\n" + key + "\n");
  }

  public SigningPublicKey publicKey() {
    return publicKey;
  }

  /** The Ed25519 signature (64 bytes) of {@code message}. */
  public byte[] sign(byte[] message) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(key);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  /** The {@code CHORA-SIGN-SECRET-KEY-1…} string: the secret itself. */
  @Override
  public String toString() {
    return Bech32.encode(BECH32_PREFIX, seed);
  }

  /** Hands out one seed: what the key pair generator reads as its randomness. */
  private static final class SeedRandom extends SecureRandom {
    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("Ed25519 key generation read " + bytes.length + " bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
