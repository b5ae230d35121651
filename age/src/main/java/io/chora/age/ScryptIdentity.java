package io.chora.age;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Opens passphrase-encrypted files (from {@code age -p} or {@link ScryptRecipient}). Since the
 * sender chooses the scrypt work factor, a hostile file could ask for hours of work and gigabytes
 * of memory; files asking for more than the limit (2^22, like {@code age}) are refused.
 *
 * <p>scrypt needs 2^(logN + 10) bytes of heap: 256 MiB for age's usual 2^18, 4 GiB at the limit
 * 2^22. A file needing more than the JVM may allocate fails with an {@link AgeException} saying so.
 */
public final class ScryptIdentity implements Identity {
  /** age's limit: about 15 seconds of work and 4 GiB of memory. */
  public static final int DEFAULT_MAX_LOG_N = 22;

  /** The spec's {@code ^[1-9][0-9]*$}: decimal, no sign, no leading zero. */
  private static final Pattern LOG_N = Pattern.compile("[1-9][0-9]*");

  private final char[] passphrase;
  private final int maxLogN;

  /** Accepting work factors up to 2^22. The passphrase array is copied. */
  public ScryptIdentity(char[] passphrase) {
    this(passphrase, DEFAULT_MAX_LOG_N);
  }

  /** Accepting work factors up to 2^maxLogN (1 to 30). */
  public ScryptIdentity(char[] passphrase, int maxLogN) {
    Passphrase.requireLogN(maxLogN, "the maximum scrypt work factor logN");
    this.passphrase = Passphrase.copyNonEmpty(passphrase);
    this.maxLogN = maxLogN;
  }

  @Override
  public Optional<byte[]> unwrap(Stanza stanza) throws AgeException {
    if (!stanza.type().equals(Passphrase.STANZA_TYPE)) {
      return Optional.empty();
    }
    if (stanza.args().size() != 2) {
      throw new AgeException("invalid scrypt stanza: it must have a salt and a work factor");
    }
    byte[] salt =
        Base64Strict.decode(stanza.args().get(0))
            .filter(s -> s.length == Passphrase.SALT_LENGTH)
            .orElseThrow(
                () ->
                    new AgeException(
                        "invalid scrypt stanza: the salt is not 16 bytes of canonical base64"));
    String logNText = stanza.args().get(1);
    if (!LOG_N.matcher(logNText).matches()) {
      throw new AgeException(
          "invalid scrypt stanza: the work factor '"
              + logNText
              + "' is not a decimal number without leading zeros");
    }
    // More than two digits is over any limit, and would overflow parseInt.
    if (logNText.length() > 2 || Integer.parseInt(logNText) > maxLogN) {
      throw new AgeException(
          "scrypt work factor 2^" + logNText + " exceeds the limit 2^" + maxLogN);
    }
    if (stanza.bodyLength() != FileKey.WRAPPED_LENGTH) {
      throw new AgeException("invalid scrypt stanza: the body must be 32 bytes");
    }
    byte[] wrapKey = Passphrase.wrapKey(passphrase, salt, Integer.parseInt(logNText));
    return ChaChaPoly.openOnce(wrapKey, stanza.body());
  }
}
