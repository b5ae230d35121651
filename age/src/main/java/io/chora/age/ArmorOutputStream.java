package io.chora.age;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Writes the ASCII armor of age: strict PEM with the label "AGE ENCRYPTED FILE", padded base64 in
 * lines of 64 columns, LF line endings. Bytes are encoded in batches of whole lines, so the output
 * is the same however the writes are split.
 */
final class ArmorOutputStream extends OutputStream {
  static final String BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  static final String END = "-----END AGE ENCRYPTED FILE-----";
  private static final byte[] NEWLINE = {'\n'};
  private static final Base64.Encoder LINES = Base64.getMimeEncoder(Header.COLUMNS, NEWLINE);
  private static final int BATCH = 1024 * Header.BYTES_PER_LINE;

  private final OutputStream out;
  private final byte[] pending = new byte[BATCH];
  private int buffered;
  private boolean closed;

  ArmorOutputStream(OutputStream out) throws IOException {
    this.out = out;
    out.write((BEGIN + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, b.length);
    ensureOpen();
    while (length > 0) {
      int n = Math.min(length, BATCH - buffered);
      System.arraycopy(b, offset, pending, buffered, n);
      buffered += n;
      offset += n;
      length -= n;
      if (buffered == BATCH) {
        writeLines(BATCH);
      }
    }
  }

  /** Writes the complete lines; a partial line waits, since only the last line may be short. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    writeLines(buffered - buffered % Header.BYTES_PER_LINE);
    out.flush();
  }

  /** Writes the last line and the END line, then closes the stream below. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writeLines(buffered);
      out.write((END + "\n").getBytes(StandardCharsets.US_ASCII));
    } finally {
      out.close();
    }
  }

  private void writeLines(int length) throws IOException {
    if (length == 0) {
      return;
    }
    byte[] encoded = LINES.encode(Arrays.copyOf(pending, length));
    out.write(encoded);
    out.write(NEWLINE);
    System.arraycopy(pending, length, pending, 0, buffered - length);
    buffered -= length;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the armored stream is closed");
    }
  }
}
