package io.chora.age;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decrypts the payload chunk by chunk. Plaintext is released only after its whole chunk has
 * authenticated, and end of stream is reported only after a chunk flagged final has, with nothing
 * after it: a modified, reordered, truncated or extended file ends in an {@link AgeException},
 * never in a silent short read.
 */
final class DecryptingInputStream extends InputStream {
  private final InputStream in;
  private final ChaChaPoly cipher;

  /** One sealed chunk plus one byte read ahead, to learn whether this chunk is the last. */
  private final byte[] sealed = new byte[Payload.SEALED_CHUNK_LENGTH + 1];

  private final byte[] plaintext = new byte[Payload.CHUNK_LENGTH];
  private int readAhead;
  private int position;
  private int limit;
  private long chunkCounter;
  private boolean finished;
  private boolean closed;
  private IOException failure;

  DecryptingInputStream(InputStream in, byte[] payloadKey) {
    this.in = in;
    this.cipher = new ChaChaPoly(payloadKey);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, b.length);
    ensureOpen();
    if (length == 0) {
      return 0;
    }
    while (position == limit) {
      if (finished) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(length, limit - position);
    System.arraycopy(plaintext, position, b, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return limit - position;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }

  private void nextChunk() throws IOException {
    try {
      decryptChunk();
    } catch (IOException e) {
      failure = e; // sticky: a broken stream must not resume after the damage
      throw e;
    }
  }

  private void decryptChunk() throws IOException {
    position = 0;
    limit = 0;
    int length =
        readAhead + in.readNBytes(sealed, readAhead, Payload.SEALED_CHUNK_LENGTH - readAhead);
    boolean moreFollows = false;
    if (length == Payload.SEALED_CHUNK_LENGTH) {
      int next = in.read();
      moreFollows = next >= 0;
      sealed[Payload.SEALED_CHUNK_LENGTH] = (byte) next;
    }
    long chunk = chunkCounter;
    if (length == 0) {
      throw new AgeException("truncated: the file ends before its last chunk");
    }
    if (length < ChaChaPoly.TAG_LENGTH) {
      throw new AgeException("truncated: the file ends inside payload chunk " + chunk);
    }
    if (!moreFollows && length == ChaChaPoly.TAG_LENGTH && chunk > 0) {
      throw new AgeException(
          "invalid payload: the last chunk is empty, which only an empty file may have");
    }
    boolean last = !moreFollows;
    int plaintextLength = open(chunk, last, length);
    if (plaintextLength < 0) {
      throw diagnose(chunk, last, length);
    }
    limit = plaintextLength;
    chunkCounter++;
    finished = last;
    readAhead = moreFollows ? 1 : 0;
    if (moreFollows) {
      sealed[0] = sealed[Payload.SEALED_CHUNK_LENGTH];
    }
  }

  private int open(long chunk, boolean last, int length) {
    return cipher.open(Payload.chunkNonce(chunk, last), sealed, 0, length, plaintext, 0);
  }

  /** Tells apart why a chunk failed, by trying it with the opposite final-chunk flag. */
  private AgeException diagnose(long chunk, boolean expectedLast, int length) {
    // A successful trial leaves plaintext in the buffer, but limit stays 0 so none is released.
    if (length == Payload.SEALED_CHUNK_LENGTH && open(chunk, !expectedLast, length) >= 0) {
      return expectedLast
          ? new AgeException("truncated: the file ends before its last chunk")
          : new AgeException("trailing data after the end of the encrypted file");
    }
    String cause = length < Payload.SEALED_CHUNK_LENGTH ? "modified or truncated" : "modified";
    return new AgeException(
        "payload chunk " + chunk + " failed authentication: the file was " + cause);
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the age stream is closed");
    }
    if (failure != null) {
      throw failure;
    }
  }
}
