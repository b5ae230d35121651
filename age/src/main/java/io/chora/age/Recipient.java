package io.chora.age;

/**
 * Someone a file is encrypted to: it wraps the file's random key into a {@link Stanza} of the
 * header. Built in: {@link X25519Recipient} (public keys, {@code age1…}) and {@link
 * ScryptRecipient} (passphrases).
 */
public interface Recipient {
  /** Encrypts the 16-byte {@code fileKey} for this recipient. */
  Stanza wrap(byte[] fileKey) throws AgeException;
}
