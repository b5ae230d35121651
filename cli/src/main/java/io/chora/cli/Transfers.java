package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ApplyResult;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Moves changes between replicas through a temporary file in the wire format: both sides hold one
 * transaction in memory at a time, so a sync far larger than the heap goes through, and the size of
 * the file gives the progress bar its total.
 */
final class Transfers {
  private Transfers() {}

  /** What one direction moved: transactions written, and what applying them did. */
  record Moved(int transactions, ApplyResult result) {}

  /** Sends {@code to} what it lacks from {@code from}. */
  static Moved send(
      ChoraConnection from, ChoraConnection to, String label, Boolean progress, PrintWriter err)
      throws SQLException, IOException {
    Path file = Files.createTempFile("chora-sync-", ".json");
    try {
      int transactions;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
        transactions = from.changesSince(to.clock(), out);
      }
      // applied even when empty: the receiver learns the sender's clock and logs the exchange
      return new Moved(transactions, apply(to, file, label, progress, err, null));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Applies a wire-format file (age-encrypted to one of {@code keys}, if it is), drawing a progress
   * bar when wanted.
   */
  static ApplyResult apply(
      ChoraConnection to,
      Path file,
      String label,
      Boolean progress,
      PrintWriter err,
      io.chora.age.Identity[] keys)
      throws SQLException, IOException {
    long size = Files.size(file);
    InputStream raw = Files.newInputStream(file);
    if (Progress.wanted(progress, size)) {
      raw = Progress.track(raw, size, label, err);
    }
    try (InputStream in = ImportCommand.opened(new BufferedInputStream(raw, 1 << 16), keys)) {
      return to.apply(in);
    }
  }
}
