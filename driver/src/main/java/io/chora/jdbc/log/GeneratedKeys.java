package io.chora.jdbc.log;

import io.chora.jdbc.seam.PreparedText;
import io.chora.jdbc.sql.InsertShape;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's generated keys: which tracked tables are keyed by the rowid, the rewritten text
 * of each INSERT into them ({@link KeyRewriter}, cached by SQL text), and the keys themselves, from
 * the file's {@link KeyBlocks}. Statements that are not INSERTs pay one look at their first word.
 *
 * <p>Statements are rewritten when prepared, often inside a transaction that has not touched the
 * file yet; reading the schema there would make it a read transaction, which SQLite then refuses to
 * turn into a write when another connection wrote meanwhile (SQLITE_BUSY). So the tables are read
 * when the connection opens and again after table DDL made through any chora connection to the file
 * in this JVM ({@link #schemaChanged}), not per statement.
 */
final class GeneratedKeys {
  private static final int CACHE_LIMIT = 2048;

  /** Per database file: how many times chora connections in this JVM changed its tables. */
  private static final Map<String, AtomicLong> GENERATIONS = new ConcurrentHashMap<>();

  private final LogConnection conn;
  private final TrackedTables tracked;
  private final String file;
  private final AtomicLong generation;
  private final Map<String, KeyRewriter.Rewrite> statements = new HashMap<>();
  private final Map<String, KeyRewriter.Rewrite> preparedStatements = new HashMap<>();
  private Map<Long, TableInfo> rowidTables = Map.of();
  private Map<String, KeyRewriter> byName = Map.of();
  private long seen = -1;

  /** Blocks claimed in the open transaction: a rollback takes the claims back. */
  private final List<Object[]> claimedInTransaction = new ArrayList<>();

  private long claims;

  GeneratedKeys(LogConnection conn, TrackedTables tracked, String file) throws SQLException {
    this.conn = conn;
    this.tracked = tracked;
    this.file = file;
    this.generation = GENERATIONS.computeIfAbsent(file, f -> new AtomicLong());
    org.sqlite.Function.create(conn, KeyFunction.NAME, new KeyFunction(this), 1, 0);
    refreshIfSchemaChanged();
  }

  /** Table DDL ran on {@code file}: every connection to it reads its tables again. */
  static void schemaChanged(String file) {
    GENERATIONS.computeIfAbsent(file, f -> new AtomicLong()).incrementAndGet();
  }

  /** Rows chora wrote on the user's statements so far (block claims): not the user's changes. */
  long ownRows() {
    return claims;
  }

  /** The next key of table {@code id}, claiming a block when this JVM has none left. */
  long next(long id) throws SQLException {
    TableInfo info = rowidTables.get(id);
    if (info == null) {
      throw new SQLException("chora: no generated keys for table id " + id + " (dropped?)");
    }
    KeyBlocks blocks = KeyBlocks.of(file, conn.knownSite(), id);
    long key = blocks.next(conn, info);
    if (KeyBlocks.isFirstOfBlock(key)) { // claimed just now
      claims++;
      claimedInTransaction.add(new Object[] {blocks, key});
    }
    return key;
  }

  /** The transaction committed: its claims stand. */
  void committed() {
    claimedInTransaction.clear();
  }

  /** The transaction rolled back, and the claims in it with it. */
  void rolledBack() {
    for (Object[] claim : claimedInTransaction) {
      ((KeyBlocks) claim[0]).forget(KeyBlocks.blockOf((Long) claim[1]));
    }
    claimedInTransaction.clear();
  }

  /** After a merge: blocks another replica picked too are given up (see {@link KeyBlocks}). */
  void afterMerge(String site) throws SQLException {
    for (Long id : rowidTables.keySet()) {
      KeyBlocks.of(file, site, id).giveUpIfShared(conn, site);
    }
  }

  /** {@code sql} for a plain statement: rewritten when it inserts into a rowid table. */
  String rewrite(String sql) throws SQLException {
    return rewritten(sql, false).sql();
  }

  /** {@code sql} for a prepared statement: a single-row insert takes its key as a parameter. */
  PreparedText prepare(String sql) throws SQLException {
    KeyRewriter.Rewrite r = rewritten(sql, true);
    if (r.keyParameter() == 0) {
      return PreparedText.unchanged(r.sql());
    }
    long id = byName.get(InsertShape.parse(sql).table().toLowerCase(Locale.ROOT)).tableId();
    return new PreparedText(r.sql(), r.keyParameter(), () -> next(id));
  }

  private KeyRewriter.Rewrite rewritten(String sql, boolean prepared) throws SQLException {
    if (!mayInsert(sql)) {
      return new KeyRewriter.Rewrite(sql, 0);
    }
    refreshIfSchemaChanged();
    Map<String, KeyRewriter.Rewrite> cache = prepared ? preparedStatements : statements;
    KeyRewriter.Rewrite known = cache.get(sql);
    if (known != null) {
      return known;
    }
    KeyRewriter.Rewrite out = new KeyRewriter.Rewrite(sql, 0);
    InsertShape shape = byName.isEmpty() ? null : InsertShape.parse(sql);
    if (shape != null && (shape.schema() == null || shape.schema().equalsIgnoreCase("main"))) {
      KeyRewriter rewriter = byName.get(shape.table().toLowerCase(Locale.ROOT));
      if (rewriter != null) {
        out = rewriter.rewrite(sql, shape, prepared);
      }
    }
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(sql, out);
    return out;
  }

  /** Whether {@code sql} may be an INSERT: one look at its first word, no lock, no cache. */
  static boolean mayInsert(String sql) {
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return sql.regionMatches(true, i, "INSERT", 0, 6)
        || sql.regionMatches(true, i, "REPLACE", 0, 7)
        || sql.regionMatches(true, i, "WITH", 0, 4)
        || sql.startsWith("--", i)
        || sql.startsWith("/*", i);
  }

  private void refreshIfSchemaChanged() throws SQLException {
    long now = generation.get();
    if (now == seen) {
      return;
    }
    Map<Long, TableInfo> tables = new HashMap<>();
    Map<String, KeyRewriter> names = new HashMap<>();
    for (Map.Entry<Long, TableInfo> e : tracked.get(conn).entrySet()) {
      TableInfo info = e.getValue();
      if (info.rowidKey()) {
        tables.put(e.getKey(), info);
        names.put(info.name().toLowerCase(Locale.ROOT), new KeyRewriter(e.getKey(), info));
      }
    }
    rowidTables = tables;
    byName = names;
    statements.clear();
    preparedStatements.clear();
    seen = now;
  }
}
