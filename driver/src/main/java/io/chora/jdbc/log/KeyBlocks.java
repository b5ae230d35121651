package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqliteConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the keys SQLite would otherwise pick for a rowid table come from: blocks of {@link #SIZE}
 * keys, each claimed by one writer of one file — this JVM's connections to the file, under its
 * current site — at random among the blocks below 2^31 that hold no row and no claim (see
 * docs/keys.md). Keys are then handed out from memory, shared by the JVM's connections to the file;
 * another process claims blocks of its own, and a copied file, which takes a new site, too. Claims
 * are rows of {@code chora_key_blocks}, in the file, not synced: other replicas see a block as
 * taken by its rows.
 */
final class KeyBlocks {
  /**
   * Keys per block: 2^10, so 2^21 blocks below 2^31, where Java's {@code Integer} ids end. Small
   * blocks make two replicas that pick before they ever sync unlikely to pick the same one (about
   * k^2 / 2^22 for k replicas); a claim costs one statement per 1,024 keys.
   */
  static final long SIZE = 1L << 10;

  /** Blocks per table below 2^31; block 0 (keys below 1,024) is left to keys the app picks. */
  static final long BLOCKS = (1L << 31) / SIZE;

  private static final int TRIES = 64;

  /** File, site and table id → the block its inserts take keys from in this JVM. */
  private static final Map<String, KeyBlocks> IN_USE = new ConcurrentHashMap<>();

  private final long table;

  /**
   * The order in which this writer tries blocks: random, but drawn from its site and table, so a
   * seeded test replays bit for bit; sites differ, so their orders do. Two processes of one site
   * try the same blocks and the claim's check sends the second one on.
   */
  private final SplittableRandom order;

  private long lo;
  private long hi;
  private long next; // the next key after the top one; hi - 1 once all are handed out

  private KeyBlocks(String site, long table) {
    this.table = table;
    this.order = new SplittableRandom(seed(site, table));
  }

  private static long seed(String site, long table) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((site + '\u0000' + table).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The keys of {@code table} in {@code file} under {@code site}, for this JVM. */
  static KeyBlocks of(String file, String site, long table) {
    return IN_USE.computeIfAbsent(
        file + '\u0000' + site + '\u0000' + table, k -> new KeyBlocks(site, table));
  }

  /**
   * The next key, claiming a block through {@code conn} when there is none or it is used up. A
   * block hands out its top key first and then counts up from its bottom. The top key first: a row
   * another program inserts without a key gets one past the table's highest, which is then above
   * this block, never the key this block hands out next. Counting up after it: SQLite fills the
   * pages of keys inserted in ascending order (about 88% here), against half for descending keys,
   * which made a table of generated keys twice as large.
   */
  synchronized long next(SqliteConnection conn, TableInfo info) throws SQLException {
    if (usedUp()) {
      lo = claim(conn, info);
      hi = lo + SIZE;
      next = lo;
      return hi - 1;
    }
    return next++;
  }

  /** No block, or every key of it handed out (the top one went first). */
  private boolean usedUp() {
    return next >= hi - 1;
  }

  private void giveUp() {
    next = hi - 1;
  }

  /** True for the first key a block hands out: {@link #next} claimed the block for it. */
  static boolean isFirstOfBlock(long key) {
    return key % SIZE == SIZE - 1;
  }

  /** The start of the block {@code key} is in. */
  static long blockOf(long key) {
    return key - key % SIZE;
  }

  /**
   * The block claimed at {@code claimed} was rolled back with its transaction: not ours any more.
   */
  synchronized void forget(long claimed) {
    if (lo == claimed) {
      giveUp();
    }
  }

  /**
   * After a merge: when the block now holds a row another site began, that site picked it too (two
   * replicas chose before they synced). Both give it up; their next inserts claim new blocks.
   */
  synchronized void giveUpIfShared(SqliteConnection conn, String site) throws SQLException {
    if (usedUp()) {
      return;
    }
    try (PreparedStatement ps =
        conn.plainPrepare(
            "SELECT 1 FROM chora_rows WHERE tbl = ? AND pk >= ? AND pk < ? AND cl % 2 = 1"
                + " AND site <> ? LIMIT 1")) {
      ps.setLong(1, table);
      ps.setLong(2, lo);
      ps.setLong(3, hi);
      ps.setString(4, site);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          giveUp();
        }
      }
    }
  }

  /**
   * Claims a random free block in one statement: the check and the claim run under SQLite's write
   * lock together, so two writers of the file never claim one block, and no read comes first that
   * SQLite would refuse to turn into a write (SQLITE_BUSY) once another connection wrote.
   */
  private long claim(SqliteConnection conn, TableInfo info) throws SQLException {
    String key = Sql.id(info.keyColumns().get(0));
    try (PreparedStatement ps =
        conn.plainPrepare(
            "INSERT INTO chora_key_blocks(tbl, lo, site) SELECT ?1, ?2, "
                + CaptureSchema.STORED_SITE
                + " WHERE NOT EXISTS (SELECT 1 FROM chora_key_blocks WHERE tbl = ?1 AND lo = ?2)"
                + " AND NOT EXISTS (SELECT 1 FROM "
                + Sql.id(info.name())
                + " WHERE "
                + key
                + " >= ?2 AND "
                + key
                + " < ?2 + "
                + SIZE
                + ") AND NOT EXISTS (SELECT 1 FROM chora_rows WHERE tbl = ?1 AND pk >= ?2"
                + " AND pk < ?2 + "
                + SIZE
                + ")")) {
      for (int i = 0; i < TRIES; i++) {
        long candidate = (1 + order.nextLong(BLOCKS - 1)) * SIZE;
        ps.setLong(1, table);
        ps.setLong(2, candidate);
        if (ps.executeUpdate() == 1) {
          return candidate;
        }
      }
    }
    throw new SQLException(
        "chora: no free block of "
            + SIZE
            + " keys found below 2^31 in "
            + info.name()
            + " after "
            + TRIES
            + " tries: the table's generated keys are used up; give new rows explicit keys");
  }
}
