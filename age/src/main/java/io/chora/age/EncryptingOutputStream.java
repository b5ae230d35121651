package io.chora.age;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Encrypts the payload as it is written, one 64 KiB chunk at a time. A full chunk is sealed only
 * once more data arrives, because until then it may be the final one; {@link #close()} seals the
 * final chunk (empty only if nothing was written) and then closes the stream below.
 */
final class EncryptingOutputStream extends OutputStream {
  private final OutputStream out;
  private final ChaChaPoly cipher;
  private final byte[] plaintext = new byte[Payload.CHUNK_LENGTH];
  private final byte[] sealed = new byte[Payload.SEALED_CHUNK_LENGTH];
  private int buffered;
  private long chunkCounter;
  private boolean closed;
  private IOException failure;

  EncryptingOutputStream(OutputStream out, byte[] payloadKey) {
    this.out = out;
    this.cipher = new ChaChaPoly(payloadKey);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, b.length);
    ensureUsable();
    while (length > 0) {
      if (buffered == Payload.CHUNK_LENGTH) {
        sealChunk(false);
      }
      int n = Math.min(length, Payload.CHUNK_LENGTH - buffered);
      System.arraycopy(b, offset, plaintext, buffered, n);
      buffered += n;
      offset += n;
      length -= n;
    }
  }

  /**
   * Flushes the chunks sealed so far. Up to 64 KiB of plaintext stay buffered: a chunk cannot be
   * sealed before it is full or the stream is closed.
   */
  @Override
  public void flush() throws IOException {
    ensureUsable();
    out.flush();
  }

  /** Seals the final chunk and closes the underlying stream; later calls do nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // After a failed write the file is already broken; sealing a final chunk now would turn it
      // into a valid but truncated file.
      if (failure == null) {
        sealChunk(true);
      }
    } finally {
      out.close();
    }
  }

  private void sealChunk(boolean last) throws IOException {
    int length =
        cipher.seal(Payload.chunkNonce(chunkCounter, last), plaintext, 0, buffered, sealed, 0);
    try {
      out.write(sealed, 0, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    chunkCounter++;
    buffered = 0;
  }

  private void ensureUsable() throws IOException {
    if (closed) {
      throw new IOException("the age stream is closed");
    }
    if (failure != null) {
      throw new IOException("an earlier write to the age stream failed", failure);
    }
  }
}
