package io.chora.jdbc.shared;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;

/**
 * Signed sets as streams ({@code changesSince(peer, out)} and {@code apply(in)}): the writer
 * streams the set and appends its signature; the reader keeps the whole input in a temporary file,
 * checks the signature once, and only then hands the set's bytes to the engine, so that nothing of
 * an unsigned or forged set is ever applied, not even inside a transaction rolled back later.
 */
final class SignedStreams {
  /** A trailer is about 250 bytes; the last line of a signed set is found within this. */
  private static final int TAIL = 4096;

  private SignedStreams() {}

  /** Writes a set's bytes to a stream (an engine's {@code writeChanges}). */
  interface Body {
    int write(OutputStream out) throws SQLException;
  }

  static int write(SetSignatures signatures, String site, OutputStream out, Body body)
      throws SQLException {
    MessageDigest sha = SetSignatures.newSha256();
    OutputStream kept =
        new FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush(); // the caller's stream stays open for the trailer
          }
        };
    int transactions = body.write(new DigestOutputStream(kept, sha));
    String trailer = signatures.trailer(sha.digest(), SetSignatures.file(site));
    try {
      out.write(("\n" + trailer + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw Refusals.unwritable(e);
    }
    return transactions;
  }

  /**
   * The set's bytes of a signed stream, after its signature was checked; close deletes the copy.
   */
  static InputStream verified(SetSignatures signatures, InputStream in) throws SQLException {
    Path copy = null;
    try {
      copy = Files.createTempFile("chora-signed-", ".set");
      long size = Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      RandomAccessFile file = new RandomAccessFile(copy.toFile(), "r");
      try {
        long body = bodyLength(file, size);
        String trailer = trailer(file, body, size);
        signatures.check(trailer, sha256(file, body), null);
        file.seek(0);
        return deletingOnClose(file, body, copy);
      } catch (SQLException | IOException | RuntimeException e) {
        file.close();
        throw e;
      }
    } catch (IOException e) {
      delete(copy);
      throw Refusals.unreadable(e);
    } catch (SQLException | RuntimeException e) {
      delete(copy);
      throw e;
    }
  }

  /** Where the set's bytes end: at the newline before the last line (trailing blanks skipped). */
  private static long bodyLength(RandomAccessFile file, long size) throws IOException {
    int n = (int) Math.min(TAIL, size);
    byte[] tail = new byte[n];
    file.seek(size - n);
    file.readFully(tail);
    int end = n;
    while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r' || tail[end - 1] == ' ')) {
      end--;
    }
    for (int i = end - 1; i >= 0; i--) {
      if (tail[i] == '\n') {
        return size - n + i;
      }
    }
    return size; // no last line: unsigned
  }

  private static String trailer(RandomAccessFile file, long body, long size) throws IOException {
    if (body >= size) {
      return "";
    }
    byte[] line = new byte[(int) (size - body - 1)];
    file.seek(body + 1);
    file.readFully(line);
    return new String(line, StandardCharsets.UTF_8).strip();
  }

  private static byte[] sha256(RandomAccessFile file, long length) throws IOException {
    MessageDigest sha = SetSignatures.newSha256();
    byte[] buffer = new byte[1 << 16];
    file.seek(0);
    for (long left = length; left > 0; ) {
      int read = file.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("the set's copy ended early");
      }
      sha.update(buffer, 0, read);
      left -= read;
    }
    return sha.digest();
  }

  private static InputStream deletingOnClose(RandomAccessFile file, long length, Path copy) {
    InputStream whole = Channels.newInputStream(file.getChannel());
    return new InputStream() {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        left--;
        return whole.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int read = whole.read(b, off, (int) Math.min(len, left));
        if (read > 0) {
          left -= read;
        }
        return read;
      }

      @Override
      public void close() throws IOException {
        file.close();
        delete(copy);
      }
    };
  }

  private static void delete(Path copy) {
    if (copy != null) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException ignored) { // a temporary file: the OS cleans it up
      }
    }
  }
}
