package io.chora.age;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The textual header of an age file: the version line, one stanza per recipient and a MAC over
 * both, keyed by the file key so that nobody without it can change the header unnoticed.
 */
final class Header {
  static final String VERSION_LINE = "age-encryption.org/v1";
  static final String STANZA_PREFIX = "->";
  static final String MAC_PREFIX = "---";
  static final int COLUMNS = 64;
  static final int BYTES_PER_LINE = COLUMNS / 4 * 3;
  static final int MAC_LENGTH = 32;

  private final List<Stanza> stanzas;
  private final byte[] mac;
  private final byte[] macInput;

  /**
   * @param macInput the header exactly as read, up to and including {@code ---}: the MAC is checked
   *     over these bytes rather than a re-encoding, so nothing unauthenticated can slip in
   */
  Header(List<Stanza> stanzas, byte[] mac, byte[] macInput) {
    this.stanzas = List.copyOf(stanzas);
    this.mac = mac.clone();
    this.macInput = macInput.clone();
  }

  List<Stanza> stanzas() {
    return stanzas;
  }

  boolean macMatches(byte[] fileKey) {
    byte[] expected = Hkdf.hmacSha256(FileKey.headerMacKey(fileKey), macInput);
    return MessageDigest.isEqual(expected, mac); // constant time
  }

  static void write(OutputStream out, List<Stanza> stanzas, byte[] fileKey) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    writeAscii(text, VERSION_LINE + "\n");
    for (Stanza stanza : stanzas) {
      writeStanza(text, stanza);
    }
    writeAscii(text, MAC_PREFIX);
    byte[] mac = Hkdf.hmacSha256(FileKey.headerMacKey(fileKey), text.toByteArray());
    writeAscii(text, " " + Base64Strict.encode(mac) + "\n");
    text.writeTo(out);
  }

  private static void writeStanza(ByteArrayOutputStream out, Stanza stanza) {
    StringBuilder line = new StringBuilder(STANZA_PREFIX).append(' ').append(stanza.type());
    stanza.args().forEach(arg -> line.append(' ').append(arg));
    writeAscii(out, line.append('\n').toString());
    // Body lines of 64 columns, then always a shorter one, which is empty if the body fills the
    // last full line: that short line is how readers find the end of the stanza.
    byte[] body = stanza.body();
    for (int offset = 0; ; offset += BYTES_PER_LINE) {
      int length = Math.min(BYTES_PER_LINE, body.length - offset);
      writeAscii(
          out, Base64Strict.encode(Arrays.copyOfRange(body, offset, offset + length)) + "\n");
      if (length < BYTES_PER_LINE) {
        return;
      }
    }
  }

  private static void writeAscii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }
}
