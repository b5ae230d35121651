package io.chora.jdbc.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * An age-encrypted file handed to {@code apply(InputStream)}, which reads plaintext only (the hub
 * client and {@code chora import --identity} decrypt first): refused by name, so that a user is
 * told what the bytes are and what to run, not that they are "not valid JSON".
 */
final class EncryptedInput {
  private static final String BINARY = "age-encryption.org/";
  private static final String ARMORED = "-----BEGIN AGE ENCRYPTED FILE-----";

  /** Enough for an armored file's marker after a little leading whitespace. */
  private static final int LOOK = 64;

  private EncryptedInput() {}

  /** {@code in} as it was, unless it starts like an age file. */
  static InputStream refuseEncrypted(InputStream in) throws SQLException {
    PushbackInputStream peek = new PushbackInputStream(in, LOOK);
    byte[] head;
    try {
      head = peek.readNBytes(LOOK);
      peek.unread(head);
    } catch (IOException e) {
      throw Refusals.unreadable(e);
    }
    String start = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
    if (start.startsWith(BINARY) || start.startsWith(ARMORED)) {
      throw Refusals.changeSet(
          "the input is age-encrypted (it starts with "
              + (start.startsWith(BINARY) ? BINARY : ARMORED)
              + "), and apply reads plaintext change sets: decrypt it with a member's key first"
              + " (chora import DB FILE --identity KEY, docs/encryption.md#encrypted-files)");
    }
    return peek;
  }
}
