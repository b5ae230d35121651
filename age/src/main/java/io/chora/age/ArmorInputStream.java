package io.chora.age;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Reads the ASCII armor strictly: whitespace only around the PEM block (at most 1 KiB each side),
 * every line but the last exactly 64 columns, canonical padded base64, nothing after the END line.
 * Armor is otherwise malleable. LF and CRLF line endings are both accepted.
 *
 * <p>Full lines are decoded in batches of up to 1024, which keeps armored decryption close to the
 * speed of binary decryption.
 */
final class ArmorInputStream extends InputStream {
  private static final int MAX_WHITESPACE = 1024;
  private static final int MAX_LINE_LENGTH = 1024;
  private static final int LINES_PER_BATCH = 1024;
  private static final byte[] BEGIN = ArmorOutputStream.BEGIN.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = ArmorOutputStream.END.getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final byte[] input = new byte[64 * 1024];
  private int inputPosition;
  private int inputLimit;
  private boolean inputEnded;

  /** Where {@link #nextLine()} found the current line in {@link #input}. */
  private int lineStart;

  private final byte[] batch = new byte[LINES_PER_BATCH * Header.COLUMNS];
  private final byte[] decoded = new byte[LINES_PER_BATCH * Header.BYTES_PER_LINE];
  private int position;
  private int limit;
  private boolean started;
  private boolean ended;
  private IOException failure;

  ArmorInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, b.length);
    if (failure != null) {
      throw failure;
    }
    if (length == 0) {
      return 0;
    }
    try {
      while (position == limit) {
        if (ended) {
          return -1;
        }
        decodeMore();
      }
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    int n = Math.min(length, limit - position);
    System.arraycopy(decoded, position, b, offset, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Decodes the next batch of lines into {@link #decoded}. */
  private void decodeMore() throws IOException {
    if (!started) {
      skipLeadingWhitespace();
      started = true;
    }
    position = 0;
    limit = 0;
    int batchLength = 0;
    while (batchLength < batch.length) {
      int length = nextLine();
      if (length < 0) {
        throw invalid("the file ends before the END line");
      }
      if (isLine(END, length)) {
        limit = decodeBatch(batchLength);
        endOfArmor();
        return;
      }
      if (length == Header.COLUMNS && input[lineStart + length - 1] != '=') {
        System.arraycopy(input, lineStart, batch, batchLength, length);
        batchLength += length;
        continue;
      }
      if (length == 0 || length > Header.COLUMNS) {
        throw invalid("line lengths must be 1 to 64 columns");
      }
      // A short (or padded) line must be the last one, right before the END line.
      limit = decodeBatch(batchLength);
      limit += decodeLastLine(length);
      int next = nextLine();
      if (next < 0 || !isLine(END, next)) {
        throw invalid("a short line must be the last one before the END line");
      }
      endOfArmor();
      return;
    }
    limit = decodeBatch(batchLength);
  }

  /** Full 64-column lines without padding have no spare bits: any valid decoding is canonical. */
  private int decodeBatch(int length) throws AgeException {
    try {
      return Base64.getDecoder().decode(Arrays.copyOf(batch, length), decoded);
    } catch (IllegalArgumentException e) {
      throw invalid("not base64: " + e.getMessage());
    }
  }

  /** The last line may be padded, so re-encoding is what proves it canonical. */
  private int decodeLastLine(int length) throws AgeException {
    byte[] line = Arrays.copyOfRange(input, lineStart, lineStart + length);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(line);
    } catch (IllegalArgumentException e) {
      throw invalid("not base64: " + e.getMessage());
    }
    if (!Arrays.equals(Base64.getEncoder().encode(bytes), line)) {
      throw invalid("the last line is not canonical padded base64");
    }
    System.arraycopy(bytes, 0, decoded, limit, bytes.length);
    return bytes.length;
  }

  private void skipLeadingWhitespace() throws IOException {
    int skipped = 0;
    while (true) {
      int length = nextLine();
      if (length < 0) {
        throw invalid("no BEGIN line");
      }
      if (!isWhitespace(input, lineStart, length)) {
        if (!isLine(BEGIN, length)) {
          throw invalid("the first line must be '" + ArmorOutputStream.BEGIN + "'");
        }
        return;
      }
      skipped += length + 1;
      if (skipped > MAX_WHITESPACE) {
        throw invalid("more than 1 KiB of whitespace before the BEGIN line");
      }
    }
  }

  /** Only whitespace, and at most 1 KiB of it, may follow the END line. */
  private void endOfArmor() throws IOException {
    ended = true;
    int trailing = 0;
    while (true) {
      if (inputPosition == inputLimit && !fill()) {
        return;
      }
      int n = inputLimit - inputPosition;
      if (!isWhitespace(input, inputPosition, n)) {
        throw invalid("trailing data after the END line");
      }
      trailing += n;
      inputPosition = inputLimit;
      if (trailing > MAX_WHITESPACE) {
        throw invalid("more than 1 KiB of whitespace after the END line");
      }
    }
  }

  /**
   * Finds the next line in {@link #input}, sets {@link #lineStart} and returns its length without
   * LF or CRLF; -1 at end of input.
   */
  private int nextLine() throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = inputPosition + scanned; i < inputLimit; i++) {
        if (input[i] == '\n') {
          lineStart = inputPosition;
          inputPosition = i + 1;
          int end = i > lineStart && input[i - 1] == '\r' ? i - 1 : i;
          return end - lineStart;
        }
      }
      scanned = inputLimit - inputPosition;
      if (scanned > MAX_LINE_LENGTH) {
        throw invalid("a line is longer than 64 columns");
      }
      if (!fill()) {
        // The last line may lack its line ending.
        lineStart = inputPosition;
        inputPosition = inputLimit;
        return scanned == 0 ? -1 : scanned;
      }
    }
  }

  /** Reads more input after the unconsumed bytes; false at end of input. */
  private boolean fill() throws IOException {
    if (inputEnded) {
      return false;
    }
    System.arraycopy(input, inputPosition, input, 0, inputLimit - inputPosition);
    inputLimit -= inputPosition;
    inputPosition = 0;
    int n = in.read(input, inputLimit, input.length - inputLimit);
    if (n < 0) {
      inputEnded = true;
      return false;
    }
    inputLimit += n;
    return true;
  }

  private boolean isLine(byte[] expected, int length) {
    return Arrays.equals(input, lineStart, lineStart + length, expected, 0, expected.length);
  }

  /** ASCII whitespace only, as in Go's reference implementation. */
  private static boolean isWhitespace(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte c = bytes[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != 0x0b && c != '\f') {
        return false;
      }
    }
    return true;
  }

  private static AgeException invalid(String detail) {
    return new AgeException("invalid armor: " + detail);
  }
}
