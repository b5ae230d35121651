package io.chora.jdbc.log;

import io.chora.jdbc.shared.SyncHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables chora keeps inside the user's database file, and the per-connection commit marker.
 *
 * <ul>
 *   <li>{@code chora_meta}: key/value settings (site id, tracked tables).
 *   <li>{@code chora_tables}: a stable id per tracked table; triggers and log rows use the id.
 *   <li>{@code chora_log}: one row per changed row, written by the capture triggers, and one commit
 *       marker row per committed transaction carrying its dot (site, seq) and HLC.
 * </ul>
 *
 * The marker is written through an INSTEAD OF trigger on the view {@code chora_commit}, so that it
 * never moves the user's {@code last_insert_rowid()}, and only when the transaction logged
 * something.
 */
final class CaptureSchema {
  private static final String[] TABLES = {
    "CREATE TABLE IF NOT EXISTS chora_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_tables(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    // pk has no declared type on purpose: no affinity, so keys keep their exact storage class
    "CREATE TABLE IF NOT EXISTS chora_log(id INTEGER PRIMARY KEY, tbl INTEGER, op INTEGER NOT"
        + " NULL, pk, cols INTEGER, site TEXT, seq INTEGER, hlc INTEGER, deps TEXT, nonce INTEGER)",
    // merge state (see MergeState): remote heads, row lives and cell versions, the ledger
    "CREATE TABLE IF NOT EXISTS chora_clock(site TEXT PRIMARY KEY, seq INTEGER NOT NULL)"
        + " WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_rows(tbl INTEGER NOT NULL, pk NOT NULL, cl INTEGER NOT NULL,"
        + " site TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, life_site TEXT, life_seq"
        + " INTEGER, PRIMARY KEY (tbl, pk)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_cells(tbl INTEGER NOT NULL, pk NOT NULL, col TEXT NOT NULL,"
        + " site TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
        + " PRIMARY KEY (tbl, pk, col)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS chora_conflicts(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, pk,"
        + " col TEXT NOT NULL, kept, kept_site TEXT, kept_seq INTEGER, kept_hlc INTEGER, lost,"
        + " lost_site TEXT, lost_seq INTEGER, lost_hlc INTEGER, status TEXT NOT NULL DEFAULT"
        + " 'OPEN', kind TEXT NOT NULL DEFAULT 'CELL', cl INTEGER)",
    // the blocks of generated keys writers of this file claimed (KeyBlocks); not synced
    "CREATE TABLE IF NOT EXISTS chora_key_blocks(tbl INTEGER NOT NULL, lo INTEGER NOT NULL, site"
        + " TEXT, PRIMARY KEY (tbl, lo)) WITHOUT ROWID",
    // the rows a merge removed to keep a UNIQUE or FOREIGN KEY constraint, one line a column
    // (hlc, site: the stamp of the write that set a lost row's value, LostLives#fill)
    "CREATE TABLE IF NOT EXISTS chora_conflict_rows(conflict INTEGER NOT NULL, col TEXT NOT NULL,"
        + " value, hlc INTEGER NOT NULL DEFAULT 0, site TEXT, PRIMARY KEY (conflict, col)) WITHOUT"
        + " ROWID"
  };

  /** Every object chora keeps in the file; opening is a read when they all exist. */
  static final java.util.List<String> OBJECTS =
      java.util.List.of(
          "chora_meta",
          "chora_tables",
          "chora_log",
          "chora_clock",
          "chora_rows",
          "chora_cells",
          "chora_conflicts",
          "chora_conflict_rows",
          "chora_key_blocks",
          SetAside.TABLE,
          SetAside.INDEX,
          Renames.TABLE,
          Renames.TABLES_TABLE,
          Counters.TABLE,
          Counters.INDEX,
          CounterCapture.ADDS,
          "chora_peers",
          "chora_syncs",
          "chora_commit",
          "chora_commit_marker");

  /**
   * The latest local commit marker, found by walking back from the end of the log (rowid order). No
   * index on purpose: one would cost a page write per commit (measured: +50% on autocommit
   * inserts), while the walk only passes the rows of the transaction being committed.
   */
  static final String LAST_LOCAL_MARKER =
      "SELECT coalesce(last.seq, (SELECT value FROM chora_meta WHERE key = 'local_seq'), 0) + 0,"
          + " coalesce(last.hlc, (SELECT value FROM chora_meta WHERE key = 'local_hlc'), 0) + 0"
          + " FROM (SELECT 1) LEFT JOIN ("
          + lastLocalSince("?1")
          + ") AS last";

  /**
   * The newest local marker written after the last apply. Applying records the local head in
   * chora_meta ('local_seq', 'local_hlc') and where it stopped ('applied_upto'), so that a replica
   * that mostly receives does not walk back over everything it received to find its own head.
   */
  private static String lastLocalSince(String site) {
    return "SELECT seq, hlc FROM chora_log WHERE op = "
        + LogOp.COMMIT
        + " AND site = "
        + site
        + " AND id > coalesce((SELECT value FROM chora_meta WHERE key = 'applied_upto'), 0)"
        + " ORDER BY id DESC LIMIT 1";
  }

  /**
   * The op of the newest log row that is not a MAYBE_REPLACED candidate: not 0 (a marker) means the
   * open transaction logged rows. A group of only candidates changed nothing (INSERT OR IGNORE that
   * hit a UNIQUE value), so it gets no commit of its own.
   */
  static final String LOG_TAIL_OP =
      "SELECT op FROM chora_log WHERE op <> " + LogOp.MAYBE_REPLACED + " ORDER BY id DESC LIMIT 1";

  /** The site this file writes as; the marker trigger reads it at each commit. */
  static final String STORED_SITE = "(SELECT value FROM chora_meta WHERE key = 'site')";

  private static final String[] MARKER = {
    "CREATE VIEW IF NOT EXISTS chora_commit(site) AS SELECT NULL",
    "CREATE TRIGGER IF NOT EXISTS chora_commit_marker INSTEAD OF INSERT ON chora_commit"
        + " WHEN ("
        + LOG_TAIL_OP
        + ") <> "
        + LogOp.COMMIT
        + " BEGIN INSERT INTO chora_log(op, site, seq, hlc, nonce) SELECT "
        + LogOp.COMMIT
        + ", "
        + STORED_SITE
        + ","
        + " coalesce(last.seq, (SELECT value FROM chora_meta WHERE key = 'local_seq'), 0) + 1,"
        // HLC: wall clock, but past the last local commit and every remote one applied here
        + " "
        + NextHlcFunction.NAME
        + "(max(coalesce(last.hlc, (SELECT value FROM chora_meta WHERE key = 'local_hlc'), 0),"
        + " coalesce((SELECT value FROM chora_meta WHERE key = 'hlc'), 0))),"
        // the nonce tells two histories under one dot apart (see ForkCheck)
        + " "
        + NonceFunction.NAME
        + "()"
        + " FROM (SELECT 1) LEFT JOIN ("
        + lastLocalSince(STORED_SITE)
        + ") AS last; END"
  };

  /** The statement that closes a transaction's log with a marker; a no-op when nothing logged. */
  /**
   * Closes the open transaction's log with a marker of the site stored in chora_meta, not one a
   * connection remembers: a fork repair (or a new chora.site) moves the file to another site while
   * pooled connections stay open, and their next commit must not reuse the old site's dots.
   */
  static final String MARK_COMMIT = "INSERT INTO chora_commit(site) VALUES (NULL)";

  /**
   * Changes no row and fires nothing, but like any write of the main database it starts by taking
   * SQLite's write lock for its transaction, waiting through the busy handler (busy_timeout) when
   * no snapshot is open yet.
   */
  static final String TAKE_WRITE_LOCK = "DELETE FROM chora_meta WHERE 0";

  private CaptureSchema() {}

  /** Creates chora's tables if missing; call inside a write transaction. */
  static void create(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      for (String ddl : TABLES) {
        st.execute(ddl);
      }
      for (String ddl : SyncHistory.TABLES) {
        st.execute(ddl);
      }
      for (String ddl : Renames.SCHEMA) {
        st.execute(ddl);
      }
      for (String ddl : SetAside.SCHEMA) {
        st.execute(ddl);
      }
      for (String ddl : Counters.SCHEMA) {
        st.execute(ddl);
      }
      for (String ddl : CounterCapture.SCHEMA) {
        st.execute(ddl);
      }
      boolean hasNonce = false; // a log made before transactions had nonces
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pragma_table_info('chora_log') WHERE name = 'nonce'")) {
        hasNonce = rs.next();
      }
      if (!hasNonce) {
        st.execute("ALTER TABLE chora_log ADD COLUMN nonce INTEGER");
      }
      // a marker trigger of an older chora (its HLC from SQL's own clock, no nonce) is replaced
      st.execute("DROP TRIGGER IF EXISTS chora_commit_marker");
      for (String ddl : MARKER) {
        st.execute(ddl);
      }
      // a ledger made before conflicts had kinds (chora_conflict_rows came with them, so such a
      // file is not "ready" and passes here)
      boolean hasKind = false;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT 1 FROM pragma_table_info('chora_conflicts')" + " WHERE name = 'kind'")) {
        hasKind = rs.next();
      }
      if (!hasKind) {
        st.execute("ALTER TABLE chora_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'CELL'");
      }
      // the live cell conflicts by cell (OpenConflicts looks a cell up at each merged write:
      // without it every lookup scanned the whole ledger, quadratic under churn); partial, so
      // that superseded entries cost it nothing. Not one of OBJECTS: a file an older chora made is
      // still ready without it (a read-only open must not find it unset), and gets it at the next
      // setup write or compact()
      createLiveConflictIndex(st);
      // made before rows had lives (SameKeyRule): their lives are taken from their dots
      if (!hasLives(st)) {
        st.execute("ALTER TABLE chora_rows ADD COLUMN life_site TEXT");
        st.execute("ALTER TABLE chora_rows ADD COLUMN life_seq INTEGER");
        st.execute("ALTER TABLE chora_conflicts ADD COLUMN cl INTEGER");
        // a live row's dot is the insert that began its life (a REPLACE gave it a new dot, but
        // only one replica: another's insert names the older dot and is seen to follow it)
        st.execute("UPDATE chora_rows SET life_site = site, life_seq = seq WHERE cl % 2 = 1");
      }
      // made before a lost row's values had stamps: the values it holds lose to any later write
      if (!hasLostValueStamps(st)) {
        st.execute("ALTER TABLE chora_conflict_rows ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0");
        st.execute("ALTER TABLE chora_conflict_rows ADD COLUMN site TEXT");
      }
    }
  }

  /**
   * Whether the ledger's lost rows have their values' stamps. Not part of {@link #isReady}: a file
   * an older chora made is still ready to read without them (a read-only open must not find it
   * unset), and a writing open adds them before anything merges.
   */
  static boolean hasLostValueStamps(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      return hasLostValueStamps(st);
    }
  }

  private static boolean hasLostValueStamps(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT count(*) FROM pragma_table_info('chora_conflict_rows') WHERE name IN ('hlc',"
                + " 'site')")) {
      return rs.next() && rs.getInt(1) == 2;
    }
  }

  /** The partial index of live cell conflicts by cell, if missing. */
  static void createLiveConflictIndex(Statement st) throws SQLException {
    st.execute(
        "CREATE INDEX IF NOT EXISTS "
            + OpenConflicts.INDEX
            + " ON chora_conflicts(tbl, pk, col) WHERE "
            + OpenConflicts.LIVE);
  }

  /** Whether the merge state and the ledger have the columns of row lives. */
  private static boolean hasLives(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT (SELECT count(*) FROM pragma_table_info('chora_rows') WHERE name = 'life_site')"
                + " + (SELECT count(*) FROM pragma_table_info('chora_conflicts') WHERE name ="
                + " 'cl')")) {
      return rs.next() && rs.getInt(1) == 2;
    }
  }

  /**
   * True when chora's tables and triggers exist as this version makes them and every logged row is
   * committed under a marker; with {@link SiteIdentity#holds} opening needs no write.
   */
  static boolean isReady(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM main.sqlite_schema WHERE name IN ('"
                    + String.join("', '", OBJECTS)
                    + "')")) {
      if (!rs.next() || rs.getInt(1) != OBJECTS.size()) {
        return false;
      }
    }
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT 1 FROM main.sqlite_schema WHERE name = 'chora_commit_marker'"
                    + " AND instr(sql, '"
                    + NextHlcFunction.NAME
                    + "(') > 0 AND instr(sql, '"
                    + NonceFunction.NAME
                    + "(') > 0 AND instr(sql, 'NEW.site') = 0")) {
      if (!rs.next()) {
        return false; // an older marker trigger (one taking the connection's site): replaced
      }
    }
    try (Statement st = conn.createStatement()) {
      if (!hasLives(st)) {
        return false;
      }
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(LOG_TAIL_OP)) {
      return !rs.next() || rs.getInt(1) == LogOp.COMMIT;
    }
  }

  /** True when the open transaction has logged rows that no marker has closed yet. */
  static boolean openTransactionLogged(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(LOG_TAIL_OP)) {
      return rs.next() && rs.getInt(1) != LogOp.COMMIT;
    }
  }

  static long lastLogId(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM chora_log")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Whether chora ever set this file up: its settings table exists. */
  static boolean exists(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT 1 FROM main.sqlite_schema WHERE name = 'chora_meta'")) {
      return rs.next();
    }
  }

  static String meta(Connection conn, String key) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT value FROM chora_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Stores a setting: text, or a number (kept as INTEGER so that SQL can compute with it). */
  static void setMeta(Connection conn, String key, Object value) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT OR REPLACE INTO chora_meta(key, value) VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setObject(2, value);
      ps.executeUpdate();
    }
  }
}
