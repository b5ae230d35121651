package io.chora.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one replica sends another: the sender's site and clock, and the committed transactions the
 * receiver lacks, in the sender's commit order. The wire format is versioned JSON ({@link
 * ChangeSetWriter}); {@link ChangeSetWriter} and {@link ChangeSetReader} stream it a transaction at
 * a time, so a large set need not sit in memory whole.
 */
public final class ChangeSet {
  private final String site;
  private final VectorClock clock;
  private final List<Transaction> transactions;
  private final java.util.Map<String, Head> heads;

  public ChangeSet(String site, VectorClock clock, List<Transaction> transactions) {
    this(site, clock, transactions, java.util.Map.of());
  }

  /**
   * A set with {@code heads}: per site, the sender's transaction at the receiver's clock, so that
   * the receiver can tell a fork even when the set carries nothing else.
   */
  public ChangeSet(
      String site,
      VectorClock clock,
      List<Transaction> transactions,
      java.util.Map<String, Head> heads) {
    if (site == null || site.isEmpty()) {
      throw new IllegalArgumentException("a change set needs the sender's site id");
    }
    this.site = site;
    this.clock = clock;
    this.transactions = List.copyOf(transactions);
    this.heads = java.util.Map.copyOf(heads);
  }

  /** Per site, the seq and nonce of the sender's transaction at the receiver's clock. */
  public java.util.Map<String, Head> heads() {
    return heads;
  }

  /** The site that produced this change set. */
  public String site() {
    return site;
  }

  /** The sender's clock when the set was made: applying the set brings the receiver up to it. */
  public VectorClock clock() {
    return clock;
  }

  public List<Transaction> transactions() {
    return transactions;
  }

  /** The number of row changes in all transactions. */
  public int size() {
    int n = 0;
    for (Transaction t : transactions) {
      n += t.changes().size();
    }
    return n;
  }

  public boolean isEmpty() {
    return transactions.isEmpty();
  }

  /** Streams this set as JSON to {@code out}; the stream is left open. */
  public void writeTo(OutputStream out) throws IOException {
    try (ChangeSetWriter writer = new ChangeSetWriter(out, site, clock, heads)) {
      for (Transaction t : transactions) {
        writer.write(t);
      }
    }
  }

  /** Reads a whole set from JSON; malformed input raises {@link ChangeSetFormatException}. */
  public static ChangeSet readFrom(InputStream in) throws IOException {
    try (ChangeSetReader reader = new ChangeSetReader(in)) {
      List<Transaction> read = new ArrayList<>();
      while (reader.hasNext()) {
        read.add(reader.next());
      }
      return new ChangeSet(reader.site(), reader.clock(), read, reader.heads());
    }
  }

  public String toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public static ChangeSet fromJson(String json) {
    try {
      return readFrom(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    } catch (ChangeSetFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "ChangeSet{site=" + site + ", clock=" + clock + ", transactions=" + transactions + "}";
  }
}
