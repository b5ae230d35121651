package io.chora.age;

import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** ChaCha20-Poly1305 (RFC 7539) from the JDK, keyed once and reused for every chunk of a file. */
final class ChaChaPoly {
  static final int TAG_LENGTH = 16;
  static final int NONCE_LENGTH = 12;

  private final SecretKeySpec key;
  private final Cipher cipher;

  ChaChaPoly(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    try {
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is missing from this JDK", e);
    }
  }

  /** Encrypts {@code length} bytes into {@code out}; returns the ciphertext length (+16). */
  int seal(byte[] nonce, byte[] in, int offset, int length, byte[] out, int outOffset) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
      return cipher.doFinal(in, offset, length, out, outOffset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /** Decrypts into {@code out}; returns the plaintext length, or -1 if authentication fails. */
  int open(byte[] nonce, byte[] in, int offset, int length, byte[] out, int outOffset) {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
      return cipher.doFinal(in, offset, length, out, outOffset);
    } catch (AEADBadTagException forgedOrWrongKey) {
      return -1;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  /** Stanza bodies: each wrap key encrypts exactly one file key, so a zero nonce is safe. */
  static byte[] sealOnce(byte[] wrapKey, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    new ChaChaPoly(wrapKey).seal(new byte[NONCE_LENGTH], plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  static Optional<byte[]> openOnce(byte[] wrapKey, byte[] ciphertext) {
    if (ciphertext.length < TAG_LENGTH) {
      return Optional.empty();
    }
    byte[] out = new byte[ciphertext.length - TAG_LENGTH];
    int length =
        new ChaChaPoly(wrapKey)
            .open(new byte[NONCE_LENGTH], ciphertext, 0, ciphertext.length, out, 0);
    return length < 0 ? Optional.empty() : Optional.of(out);
  }
}
