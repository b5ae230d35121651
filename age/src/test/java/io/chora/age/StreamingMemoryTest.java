package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Encrypts and decrypts 256 MiB generated on the fly, through a pipe, in a JVM whose heap is 64 MiB
 * (the surefire execution "streaming-memory-test" in age/pom.xml): if either side held the stream
 * in memory, it would run out.
 */
class StreamingMemoryTest {
  private static final long SIZE = 256L << 20;
  private static final int BLOCK = 64 * 1024 + 17; // deliberately not chunk-aligned

  @Test
  void twoHundredFiftySixMebibytesStreamThroughASmallHeap() throws Exception {
    assumeSmallHeap();

    X25519Identity identity = X25519Identity.generate();
    PipedInputStream pipeIn = new PipedInputStream(1 << 20);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    CompletableFuture<byte[]> written =
        CompletableFuture.supplyAsync(() -> encryptGenerated(pipeOut, identity.recipient()));

    MessageDigest readDigest = MessageDigest.getInstance("SHA-256");
    long read = 0;
    try (InputStream in = Age.decrypt(pipeIn, identity)) {
      byte[] buffer = new byte[BLOCK];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        readDigest.update(buffer, 0, n);
        read += n;
      }
    }
    assertThat(read).isEqualTo(SIZE);
    assertThat(readDigest.digest()).isEqualTo(written.get(60, TimeUnit.SECONDS));
  }

  @Test
  void aWorkFactorTooBigForTheHeapFailsWithAReason() throws IOException {
    assumeSmallHeap();
    byte[] fileKey = FileKey.generate();
    Stanza stanza =
        new Stanza("scrypt", List.of(Base64Strict.encode(new byte[16]), "18"), new byte[32]);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    Header.write(file, List.of(stanza), fileKey);
    file.write(new byte[16 + 16]);
    assertThatThrownBy(
            () -> TestData.decrypt(file.toByteArray(), new ScryptIdentity("pw".toCharArray())))
        .isInstanceOf(AgeException.class)
        .hasMessage(
            "scrypt work factor 2^18 needs 256 MiB of memory, more than this JVM may use (raise"
                + " -Xmx)");
  }

  /**
   * Skipped in a big heap, where it would prove nothing: that is the default surefire execution
   * when {@code -Dtest=} selects this class, since -Dtest overrides the executions' includes.
   */
  private static void assumeSmallHeap() {
    assumeTrue(
        Runtime.getRuntime().maxMemory() <= 128L << 20,
        "needs a heap of at most 128 MiB; age/pom.xml runs it with -Xmx64m");
  }

  /** Writes SIZE pseudo-random bytes through age into {@code sink}; returns their SHA-256. */
  private static byte[] encryptGenerated(OutputStream sink, Recipient recipient) {
    try (OutputStream out = Age.encrypt(sink, false, recipient)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      ByteBuffer block = ByteBuffer.allocate(BLOCK - BLOCK % 8);
      long state = 0x9E3779B97F4A7C15L;
      for (long remaining = SIZE; remaining > 0; ) {
        block.clear();
        while (block.hasRemaining()) {
          state ^= state << 13; // xorshift64: fast, and no run of equal chunks
          state ^= state >>> 7;
          state ^= state << 17;
          block.putLong(state);
        }
        int n = (int) Math.min(block.capacity(), remaining);
        out.write(block.array(), 0, n);
        digest.update(block.array(), 0, n);
        remaining -= n;
      }
      return digest.digest();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
