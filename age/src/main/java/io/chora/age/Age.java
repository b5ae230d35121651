package io.chora.age;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Encrypts and decrypts files in the <a href="https://age-encryption.org/v1">age</a> format,
 * interoperable with the {@code age} and {@code rage} tools. Both directions stream: memory use is
 * about one 64 KiB chunk whatever the size of the data.
 *
 * <pre>{@code
 * X25519Identity key = X25519Identity.generate();
 * try (OutputStream out = Age.encrypt(Files.newOutputStream(file), false, key.recipient())) {
 *   out.write(data);
 * }
 * try (InputStream in = Age.decrypt(Files.newInputStream(file), key)) {
 *   in.transferTo(target);
 * }
 * }</pre>
 */
public final class Age {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Whitespace an armored file may start with, plus room to see its first dashes. */
  private static final int ARMOR_SNIFF_LENGTH = 1024 + 5;

  private Age() {}

  /**
   * Starts an age file on {@code out}: the header is written at once, the payload as it comes.
   *
   * <p>{@code close()} on the returned stream seals the final chunk, writes the armor's END line if
   * armored, and closes {@code out}; closing again does nothing. Until then the file is incomplete
   * and any reader rejects it as truncated. {@code flush()} passes on every complete 64 KiB chunk;
   * the chunk being filled waits for more data or {@code close()}. Close only after writing
   * everything: closing after a failure of your own producer would seal a valid, shorter file.
   *
   * @param armor whether to wrap the file in ASCII armor ({@code age -a})
   * @param recipients who can open the file; a {@link ScryptRecipient} must be the only one
   */
  public static OutputStream encrypt(OutputStream out, boolean armor, Recipient... recipients)
      throws IOException {
    Objects.requireNonNull(out, "out");
    if (recipients.length == 0) {
      throw new IllegalArgumentException("an age file needs at least one recipient");
    }
    if (recipients.length > 1
        && Arrays.stream(recipients).anyMatch(r -> r instanceof ScryptRecipient)) {
      throw onlyPassphraseRecipient();
    }
    byte[] fileKey = FileKey.generate();
    List<Stanza> stanzas = new ArrayList<>();
    for (Recipient recipient : recipients) {
      stanzas.add(recipient.wrap(fileKey));
    }
    if (stanzas.size() > 1 && stanzas.stream().anyMatch(Age::isPassphraseStanza)) {
      throw onlyPassphraseRecipient(); // a custom Recipient wrapping with scrypt
    }
    OutputStream target = armor ? new ArmorOutputStream(out) : out;
    Header.write(target, stanzas, fileKey);
    byte[] nonce = new byte[Payload.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    target.write(nonce);
    return new EncryptingOutputStream(target, FileKey.payloadKey(fileKey, nonce));
  }

  /**
   * Opens an age file, binary or armored (told apart automatically). The header is read and checked
   * before this returns, so a wrong key or a modified header fails here; the payload is decrypted
   * as it is read, and any damage to it fails the {@code read} that reaches it.
   *
   * <p>Closing the returned stream closes {@code in}.
   *
   * @throws AgeException if the header is malformed or modified, or no identity opens it
   */
  public static InputStream decrypt(InputStream in, Identity... identities) throws IOException {
    Objects.requireNonNull(in, "in");
    if (identities.length == 0) {
      throw new IllegalArgumentException("decrypting needs at least one identity");
    }
    BufferedInputStream buffered = new BufferedInputStream(in);
    InputStream source = isArmored(buffered) ? new ArmorInputStream(buffered) : buffered;
    Header header = HeaderReader.read(source);
    byte[] fileKey = unwrapFileKey(header.stanzas(), identities);
    if (!header.macMatches(fileKey)) {
      throw new AgeException("header MAC mismatch: the file was modified or the key is wrong");
    }
    byte[] nonce = source.readNBytes(Payload.NONCE_LENGTH);
    if (nonce.length < Payload.NONCE_LENGTH) {
      throw new AgeException("truncated: the file ends before its payload");
    }
    return new DecryptingInputStream(source, FileKey.payloadKey(fileKey, nonce));
  }

  private static byte[] unwrapFileKey(List<Stanza> stanzas, Identity[] identities)
      throws AgeException {
    boolean passphraseEncrypted = stanzas.stream().anyMatch(Age::isPassphraseStanza);
    // A passphrase file promises that whoever knows the passphrase wrote it; another stanza next
    // to it would let its recipient forge files that look passphrase-encrypted.
    if (passphraseEncrypted && stanzas.size() > 1) {
      throw new AgeException(
          "malformed age header: a scrypt (passphrase) stanza must be the only stanza");
    }
    for (Stanza stanza : stanzas) {
      for (Identity identity : identities) {
        Optional<byte[]> fileKey = identity.unwrap(stanza);
        if (fileKey.isPresent()) {
          if (fileKey.get().length != FileKey.LENGTH) {
            throw new AgeException("the file key in the header is not 16 bytes");
          }
          return fileKey.get();
        }
      }
    }
    throw new AgeException(
        "no identity matches any recipient of this file" + hint(passphraseEncrypted, identities));
  }

  private static String hint(boolean passphraseEncrypted, Identity[] identities) {
    if (!passphraseEncrypted) {
      return "";
    }
    boolean passphraseGiven =
        Arrays.stream(identities).anyMatch(identity -> identity instanceof ScryptIdentity);
    return passphraseGiven
        ? " (the passphrase is wrong)"
        : " (it is encrypted with a passphrase: use a ScryptIdentity)";
  }

  /**
   * Armor starts, after optional whitespace, with the dashes of its BEGIN line. Reads no further
   * than that, so a slow pipe is not waited on for more.
   */
  private static boolean isArmored(BufferedInputStream in) throws IOException {
    in.mark(ARMOR_SNIFF_LENGTH);
    try {
      int b = in.read();
      for (int skipped = 0; b >= 0 && " \t\r\n\f\u000b".indexOf(b) >= 0; skipped++) {
        if (skipped == ARMOR_SNIFF_LENGTH - 5) {
          return false;
        }
        b = in.read();
      }
      return b == '-'
          && Arrays.equals(in.readNBytes(4), "----".getBytes(StandardCharsets.US_ASCII));
    } finally {
      in.reset();
    }
  }

  private static boolean isPassphraseStanza(Stanza stanza) {
    return stanza.type().equals(Passphrase.STANZA_TYPE);
  }

  private static IllegalArgumentException onlyPassphraseRecipient() {
    return new IllegalArgumentException(
        "a passphrase (scrypt) recipient must be the only recipient of a file");
  }
}
