package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The armor codec alone, at the line (48 bytes) and batch (1024 lines) boundaries. */
class ArmorTest {
  private static final int BATCH = 1024 * 48;

  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        2,
        3,
        47,
        48,
        49,
        BATCH - 1,
        BATCH,
        BATCH + 1,
        2 * BATCH,
        2 * BATCH + 47,
        300_001
      })
  void roundTripsWithLfCrlfAndTrickledInput(int size) throws IOException {
    byte[] data = TestData.random(size, size);
    ByteArrayOutputStream armored = new ByteArrayOutputStream();
    try (OutputStream out = new ArmorOutputStream(armored)) {
      out.write(data);
    }
    byte[] lf = armored.toByteArray();
    byte[] crlf =
        new String(lf, StandardCharsets.US_ASCII)
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    assertThat(read(new ByteArrayInputStream(lf))).isEqualTo(data);
    assertThat(read(new ByteArrayInputStream(crlf))).isEqualTo(data);
    assertThat(read(oneByteAtATime(lf))).isEqualTo(data);
  }

  private static byte[] read(InputStream armored) throws IOException {
    try (InputStream in = new ArmorInputStream(armored)) {
      return in.readAllBytes();
    }
  }

  /** A source that returns one byte per read, as a slow pipe may. */
  private static InputStream oneByteAtATime(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int offset, int length) throws IOException {
        return super.read(b, offset, Math.min(length, 1));
      }
    };
  }
}
