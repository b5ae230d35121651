package io.chora.age;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses an age header strictly, byte by byte, leaving {@code in} at the first payload byte.
 * Anything the grammar of age-encryption.org/v1 does not allow is an error, never repaired: a
 * lenient parser would let an attacker change bytes that the MAC does not see the way we do.
 */
final class HeaderReader {
  /** Generous for stanza arguments (post-quantum ones are ~1.5 KB) yet bounds memory. */
  private static final int MAX_LINE_LENGTH = 16 * 1024;

  private static final int MAX_HEADER_LENGTH = 1024 * 1024;
  private static final String VERSION_PREFIX = "age-encryption.org/";

  private final InputStream in;
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private int lineNumber;

  private HeaderReader(InputStream in) {
    this.in = in;
  }

  /** {@code in} must not read ahead of what it returns (the caller buffers it). */
  static Header read(InputStream in) throws IOException {
    return new HeaderReader(in).readHeader();
  }

  private Header readHeader() throws IOException {
    readVersionLine();
    List<Stanza> stanzas = new ArrayList<>();
    while (true) {
      int lineStart = raw.size();
      String line = readLine();
      if (line.startsWith(Header.MAC_PREFIX)) {
        if (stanzas.isEmpty()) {
          throw malformed("there is no recipient stanza before the MAC line");
        }
        byte[] macInput = Arrays.copyOf(raw.toByteArray(), lineStart + Header.MAC_PREFIX.length());
        return new Header(stanzas, parseMac(line), macInput);
      } else if (line.startsWith(Header.STANZA_PREFIX)) {
        stanzas.add(readStanza(line));
      } else {
        throw malformed(
            "line " + lineNumber + " is neither a stanza ('-> …') nor the MAC ('--- …')");
      }
    }
  }

  private void readVersionLine() throws IOException {
    // Compared as it is read, so a file of another kind fails fast instead of being scanned for
    // a newline.
    for (int i = 0; i < VERSION_PREFIX.length(); i++) {
      int b = in.read();
      if (b != VERSION_PREFIX.charAt(i)) {
        throw new AgeException("not an age file (expected '" + Header.VERSION_LINE + "')");
      }
      raw.write(b);
    }
    String version = VERSION_PREFIX + readLine();
    if (!version.equals(Header.VERSION_LINE)) {
      throw new AgeException(
          "unsupported age format '"
              + printable(version)
              + "' (this reads '"
              + Header.VERSION_LINE
              + "')");
    }
  }

  private Stanza readStanza(String argumentLine) throws IOException {
    int stanzaLine = lineNumber;
    // "-> " then arguments separated by single spaces; split keeps empty ones so that double or
    // trailing spaces are caught.
    if (!argumentLine.startsWith(Header.STANZA_PREFIX + " ")) {
      throw malformed("line " + stanzaLine + " must start with '-> ' and have arguments");
    }
    String[] words = argumentLine.substring(Header.STANZA_PREFIX.length() + 1).split(" ", -1);
    for (String word : words) {
      if (!Stanza.isArgument(word)) {
        throw malformed(
            "line "
                + stanzaLine
                + " has an empty argument or one with characters other than printable ASCII");
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = readLine();
      byte[] chunk = line.length() > Header.COLUMNS ? null : Base64Strict.decode(line).orElse(null);
      if (chunk == null) {
        if (line.startsWith(Header.STANZA_PREFIX) || line.startsWith(Header.MAC_PREFIX)) {
          throw malformed("the stanza on line " + stanzaLine + " ends without a short final line");
        }
        throw malformed(
            "line " + lineNumber + " is not canonical unpadded base64 of at most 64 columns");
      }
      body.writeBytes(chunk);
      if (chunk.length < Header.BYTES_PER_LINE) {
        List<String> args = Arrays.asList(words).subList(1, words.length);
        return new Stanza(words[0], args, body.toByteArray());
      }
    }
  }

  private byte[] parseMac(String line) throws AgeException {
    String prefix = Header.MAC_PREFIX + " ";
    byte[] mac =
        line.startsWith(prefix)
            ? Base64Strict.decode(line.substring(prefix.length())).orElse(null)
            : null;
    if (mac == null || mac.length != Header.MAC_LENGTH) {
      throw malformed("the MAC line must be '--- ' and 43 characters of canonical base64");
    }
    return mac;
  }

  /** The next line without its LF; CR and other control bytes stay in, to fail later checks. */
  private String readLine() throws IOException {
    lineNumber++;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new AgeException("truncated: the file ends inside the header");
      }
      line.write(b);
      if (line.size() > MAX_LINE_LENGTH || raw.size() + line.size() > MAX_HEADER_LENGTH) {
        throw malformed("line " + lineNumber + " is too long; is this an age file?");
      }
    }
    line.writeTo(raw);
    raw.write('\n');
    // ISO-8859-1 maps every byte to one char, so non-ASCII bytes fail the character checks.
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static String printable(String s) {
    String clipped = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return clipped.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static AgeException malformed(String detail) {
    return new AgeException("malformed age header: " + detail);
  }
}
