package io.chora.age;

import java.security.SecureRandom;
import java.util.List;

/**
 * Encrypts to a passphrase (what {@code age -p} does). An scrypt recipient must be the only
 * recipient of a file, so {@link Age#encrypt} refuses to mix it with others.
 */
public final class ScryptRecipient implements Recipient {
  /** age's own default: about a second of work. */
  public static final int DEFAULT_LOG_N = 18;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final char[] passphrase;
  private final int logN;

  /** With the default work factor 2^18. The passphrase array is copied. */
  public ScryptRecipient(char[] passphrase) {
    this(passphrase, DEFAULT_LOG_N);
  }

  /**
   * @param logN the scrypt work factor is 2^logN (1 to 30). Readers refuse more than they allow,
   *     2^22 by default for {@code age} and for {@link ScryptIdentity}.
   */
  public ScryptRecipient(char[] passphrase, int logN) {
    Passphrase.requireLogN(logN, "the scrypt work factor logN");
    this.passphrase = Passphrase.copyNonEmpty(passphrase);
    this.logN = logN;
  }

  @Override
  public Stanza wrap(byte[] fileKey) throws AgeException {
    byte[] salt = new byte[Passphrase.SALT_LENGTH];
    RANDOM.nextBytes(salt);
    byte[] wrapKey = Passphrase.wrapKey(passphrase, salt, logN);
    byte[] body = ChaChaPoly.sealOnce(wrapKey, fileKey);
    return new Stanza(
        Passphrase.STANZA_TYPE, List.of(Base64Strict.encode(salt), Integer.toString(logN)), body);
  }
}
