package io.chora.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * A progress bar on stderr for reading a stream of known size: {@code [#####.....] 45% 12.3 of 27.0
 * MB}, redrawn at most ten times a second, finished with a newline.
 */
final class Progress {
  /** Below this, a transfer is quick enough that a bar would only flicker. */
  static final long WORTH_SHOWING = 1 << 20;

  private static final int WIDTH = 30;

  private Progress() {}

  /**
   * Whether to draw: {@code --progress} / {@code --no-progress} decide when given, else only on a
   * terminal and for transfers of {@link #WORTH_SHOWING} or more.
   */
  static boolean wanted(Boolean option, long total) {
    return option != null ? option : System.console() != null && total >= WORTH_SHOWING;
  }

  /** {@code in}, drawing a bar for {@code label} as its {@code total} bytes are read. */
  static InputStream track(InputStream in, long total, String label, PrintWriter err) {
    return new FilterInputStream(in) {
      private long read;
      private long drawnAt;
      private boolean finished;

      @Override
      public int read() throws IOException {
        int b = super.read();
        advance(b < 0 ? -1 : 1);
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        advance(n);
        return n;
      }

      private void advance(int n) {
        if (n > 0) {
          read += n;
        }
        long now = System.nanoTime();
        if (finished || (n >= 0 && read < total && now - drawnAt < 100_000_000L)) {
          return;
        }
        drawnAt = now;
        err.print("\r" + bar(label, Math.min(read, total), total));
        if (n < 0 || read >= total) {
          err.println();
          finished = true;
        }
        err.flush();
      }
    };
  }

  static String bar(String label, long done, long total) {
    double share = total == 0 ? 1 : (double) done / total;
    int filled = (int) Math.round(share * WIDTH);
    return String.format(
        "%s [%s%s] %3d%% %.1f of %.1f MB",
        label,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        Math.round(share * 100),
        done / 1e6,
        total / 1e6);
  }
}
