package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqliteConnection;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.Function;

/**
 * Where a replica takes the keys SQLite would otherwise pick for a rowid table: a block of {@link
 * #SIZE} keys of its own per table, chosen at random among the blocks below 2^31 that hold no row,
 * so that replicas never pick the same keys without talking to each other (see docs/keys.md). The
 * block in use is the table's row in {@code chora_key_cursor} for the file's current site, so a
 * copied file that takes a new site also takes new blocks.
 *
 * <p>The keys themselves come from SQL that {@link KeyRewriter} puts into the application's INSERT:
 * one past the highest key in the block, read from the rowid B-tree. Only when that finds no room
 * (no block yet, or the block is full) does SQLite call {@code chora_key(table, lo)}, this class,
 * which claims a new block and hands out its keys.
 */
final class KeyBlocks extends Function {
  static final String NAME = "chora_key";

  /**
   * Keys per block: 2^10, so 2^21 blocks below 2^31, where Java's {@code Integer} ids end. Small
   * blocks make two replicas that pick before they ever sync unlikely to pick the same one (about
   * k^2 / 2^22 for k replicas); a claim costs two index probes and a row, once per 1,024 keys.
   */
  static final long SIZE = 1L << 10;

  /** Blocks per table below 2^31; block 0 (keys below 1,024) is left to keys the app picks. */
  static final long BLOCKS = (1L << 31) / SIZE;

  private static final int TRIES = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The block this connection claimed last per table, and the next key it hands out from it. */
  private record Pending(long lo, long hi, long next) {}

  private final SqliteConnection conn;
  private final Map<Long, TableInfo> rowidTables;
  private final Map<Long, Pending> pending = new HashMap<>();
  private long claims;

  KeyBlocks(SqliteConnection conn, Map<Long, TableInfo> rowidTables) {
    this.conn = conn;
    this.rowidTables = rowidTables;
  }

  /** How many blocks this connection claimed: each claim is a row chora wrote, not the user. */
  long claims() {
    return claims;
  }

  /**
   * {@code chora_key(table, lo)}: {@code lo} is the start of the block the statement's own SQL was
   * taking keys from (null if none). Keys of that block may already be handed out by this
   * statement's rows, so they are never handed out here; a block this function claimed is
   * continued.
   */
  @Override
  protected void xFunc() throws SQLException {
    long table = value_long(0);
    Long fastBlock = value_type(1) == org.sqlite.core.Codes.SQLITE_NULL ? null : value_long(1);
    result(next(table, fastBlock));
  }

  private long next(long table, Long fastBlock) throws SQLException {
    TableInfo info = rowidTables.get(table);
    if (info == null) {
      throw new SQLException("chora: no generated keys for table id " + table);
    }
    Pending own = pending.get(table);
    long[] cursor = cursor(table);
    if (own != null
        && cursor != null
        && cursor[0] == own.lo()
        && (fastBlock == null || fastBlock != own.lo())) {
      long next = Math.max(own.next(), highest(info, own.lo(), own.hi()) + 1);
      if (next < own.hi()) {
        pending.put(table, new Pending(own.lo(), own.hi(), next + 1));
        return next;
      }
    }
    long lo = claim(table, info);
    pending.put(table, new Pending(lo, lo + SIZE, lo + 1));
    return lo;
  }

  private long[] cursor(long table) throws SQLException {
    try (PreparedStatement ps =
        conn.plainPrepare("SELECT lo, hi FROM chora_key_cursor WHERE tbl = ? AND site = " + SITE)) {
      ps.setLong(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
      }
    }
  }

  /** The highest key in [lo, hi), or lo - 1. */
  private long highest(TableInfo info, long lo, long hi) throws SQLException {
    String key = Sql.id(info.keyColumns().get(0));
    try (PreparedStatement ps =
        conn.plainPrepare(
            "SELECT coalesce(max("
                + key
                + "), ? - 1) FROM "
                + Sql.id(info.name())
                + " WHERE "
                + key
                + " >= ? AND "
                + key
                + " < ?")) {
      ps.setLong(1, lo);
      ps.setLong(2, lo);
      ps.setLong(3, hi);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Picks a block with no row (live or remembered as deleted) and makes it the table's cursor. */
  private long claim(long table, TableInfo info) throws SQLException {
    for (int i = 0; i < TRIES; i++) {
      long lo = (1 + RANDOM.nextLong(BLOCKS - 1)) * SIZE;
      if (isFree(table, info, lo)) {
        try (PreparedStatement ps =
            conn.plainPrepare(
                "INSERT OR REPLACE INTO chora_key_cursor(tbl, site, lo, hi) VALUES (?, "
                    + SITE
                    + ", ?, ?)")) {
          ps.setLong(1, table);
          ps.setLong(2, lo);
          ps.setLong(3, lo + SIZE);
          ps.executeUpdate();
        }
        claims++;
        return lo;
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

  private boolean isFree(long table, TableInfo info, long lo) throws SQLException {
    if (highest(info, lo, lo + SIZE) >= lo) {
      return false;
    }
    try (PreparedStatement ps =
        conn.plainPrepare(
            "SELECT 1 FROM chora_rows WHERE tbl = ? AND pk >= ? AND pk < ? LIMIT 1")) {
      ps.setLong(1, table);
      ps.setLong(2, lo);
      ps.setLong(3, lo + SIZE);
      try (ResultSet rs = ps.executeQuery()) {
        return !rs.next();
      }
    }
  }

  /** The site this file writes as. */
  static final String SITE = "(SELECT value FROM chora_meta WHERE key = 'site')";

  /**
   * After a merge: a block of ours that now holds a row another site began was picked by that site
   * too (two replicas chose it before they synced). Both give it up, so neither goes on taking keys
   * the other may take; their next inserts claim new blocks.
   */
  static final String GIVE_UP_SHARED =
      "DELETE FROM chora_key_cursor WHERE site = "
          + SITE
          + " AND EXISTS (SELECT 1 FROM chora_rows r WHERE r.tbl = chora_key_cursor.tbl"
          + " AND r.pk >= chora_key_cursor.lo AND r.pk < chora_key_cursor.hi AND r.cl % 2 = 1"
          + " AND r.site <> chora_key_cursor.site)";
}
