package io.chora.jdbc.log;

import io.chora.jdbc.sql.InsertShape;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's generated keys: which tracked tables are keyed by the rowid, the rewritten text
 * of each INSERT into them ({@link KeyRewriter}, cached by SQL text and dropped when the schema
 * changes), and the {@code chora_key} function that claims blocks ({@link KeyBlocks}). Statements
 * that are not INSERTs pay one look at their first word.
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
  private final AtomicLong generation;
  private final Map<Long, TableInfo> rowidTables = new ConcurrentHashMap<>();
  private final Map<String, String> rewritten = new HashMap<>();
  private final KeyBlocks blocks;
  private Map<String, KeyRewriter> byName = Map.of();
  private long seen = -1;

  GeneratedKeys(LogConnection conn, TrackedTables tracked, String file) throws SQLException {
    this.conn = conn;
    this.tracked = tracked;
    this.generation = GENERATIONS.computeIfAbsent(file, f -> new AtomicLong());
    this.blocks = new KeyBlocks(conn, rowidTables);
    org.sqlite.Function.create(conn, KeyBlocks.NAME, blocks, 2, 0);
    refreshIfSchemaChanged();
  }

  /** Table DDL ran on {@code file}: every connection to it reads its tables again. */
  static void schemaChanged(String file) {
    GENERATIONS.computeIfAbsent(file, f -> new AtomicLong()).incrementAndGet();
  }

  /** Rows chora wrote on the user's statements so far (block claims): not the user's changes. */
  long ownRows() {
    return blocks.claims();
  }

  /** {@code sql}, or its rewrite when it inserts into a rowid table without giving every key. */
  String rewrite(String sql) throws SQLException {
    if (!mayInsert(sql)) {
      return sql;
    }
    refreshIfSchemaChanged();
    if (byName.isEmpty()) {
      return sql;
    }
    String known = rewritten.get(sql);
    if (known != null) {
      return known;
    }
    String out = sql;
    InsertShape shape = InsertShape.parse(sql);
    if (shape != null && (shape.schema() == null || shape.schema().equalsIgnoreCase("main"))) {
      KeyRewriter rewriter = byName.get(shape.table().toLowerCase(Locale.ROOT));
      if (rewriter != null) {
        out = rewriter.rewrite(sql, shape);
      }
    }
    if (rewritten.size() >= CACHE_LIMIT) {
      rewritten.clear();
    }
    rewritten.put(sql, out);
    return out;
  }

  private static boolean mayInsert(String sql) {
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
    Map<String, KeyRewriter> names = new HashMap<>();
    rowidTables.clear();
    for (Map.Entry<Long, TableInfo> e : tracked.get(conn).entrySet()) {
      TableInfo info = e.getValue();
      if (info.rowidKey()) {
        rowidTables.put(e.getKey(), info);
        names.put(info.name().toLowerCase(Locale.ROOT), new KeyRewriter(e.getKey(), info));
      }
    }
    byName = names;
    rewritten.clear();
    seen = now;
  }
}
