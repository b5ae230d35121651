package io.chora.age;

import java.util.Optional;

/**
 * Something that can open files: it recovers the file key from a {@link Stanza} addressed to it.
 * Built in: {@link X25519Identity} (secret keys, {@code AGE-SECRET-KEY-1…}) and {@link
 * ScryptIdentity} (passphrases).
 */
public interface Identity {
  /**
   * The 16-byte file key if {@code stanza} is addressed to this identity, empty if it is not (or is
   * of a type this identity does not handle).
   *
   * @throws AgeException if the stanza is of this identity's type but malformed, which the age
   *     specification requires to be fatal
   */
  Optional<byte[]> unwrap(Stanza stanza) throws AgeException;
}
