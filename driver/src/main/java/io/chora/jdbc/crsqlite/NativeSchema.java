package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import io.chora.jdbc.shared.SyncHistory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What native mode keeps in the database file besides cr-sqlite's own tables, and the rule that
 * every synced table is a CRR: at open, and after every schema change through the driver, tables
 * that should sync become CRRs (or are refused, named), and the clocks of dropped tables go.
 */
final class NativeSchema {
  /** Why a java-mode connection cannot open a native-mode file; it fails on this at its setup. */
  static final String NOT_JAVA_MODE =
      "this database is a cr-sqlite (native mode) replica: open it with chora.mode=crsqlite";

  private static final String[] OBJECTS = {
    // the highest version of each peer this replica holds (see NativeClock); no name ending in
    // "crsql_clock", which cr-sqlite's LIKE '%__crsql_clock' would take for a clock table
    "CREATE TABLE IF NOT EXISTS chora_peer_versions(site TEXT PRIMARY KEY,"
        + " version INTEGER NOT NULL) WITHOUT ROWID",
    // a java-mode open stores its site id in chora_meta before anything else: as a view whose
    // insert fails with the reason, it stops java mode from setting up capture in this file
    "CREATE VIEW IF NOT EXISTS chora_meta(key, value) AS SELECT NULL, NULL WHERE 0",
    "CREATE TRIGGER IF NOT EXISTS chora_meta_native INSTEAD OF INSERT ON chora_meta"
        + " BEGIN SELECT RAISE(ABORT, '"
        + NOT_JAVA_MODE
        + "'); END"
  };
  private static final List<String> OBJECT_NAMES =
      List.of(
          "chora_peer_versions", "chora_peers", "chora_syncs", "chora_meta", "chora_meta_native");

  /** Migration tools' history tables: each replica runs its own migrations (as in java mode). */
  private static final Set<String> LOCAL_BY_DEFAULT =
      Set.of("flyway_schema_history", "databasechangelog", "databasechangeloglock");

  private NativeSchema() {}

  /**
   * Makes the file ready for native mode: refuses a java-mode file, then, unless a read shows that
   * nothing is to do, creates chora's objects and reconciles the CRRs in one write transaction.
   */
  static void open(SqliteConnection conn, Set<String> tracked) throws SQLException {
    if (Sql.queryLong(conn, "SELECT count(*) FROM main.sqlite_schema WHERE name = 'chora_log'")
        > 0) {
      throw new SQLException(
          "this database is a chora java-mode replica (it has chora_log): open it without"
              + " chora.mode=crsqlite; a replica keeps the mode it was made with");
    }
    if (isReady(conn, tracked)) {
      return;
    }
    SqlTransaction.run(
        conn,
        "BEGIN IMMEDIATE",
        () -> {
          for (String ddl : SyncHistory.TABLES) { // peers and exchanges, as in java mode
            Sql.exec(conn, ddl);
          }
          for (String ddl : OBJECTS) {
            Sql.exec(conn, ddl);
          }
          reconcile(conn, tracked);
          return null;
        });
  }

  private static boolean isReady(SqliteConnection conn, Set<String> tracked) throws SQLException {
    long present =
        Sql.queryLong(
            conn,
            "SELECT count(*) FROM main.sqlite_schema WHERE name IN ('"
                + String.join("', '", OBJECT_NAMES)
                + "')");
    return present == OBJECT_NAMES.size()
        && notYetCrrs(conn, tracked).isEmpty()
        && orphanClocks(conn).isEmpty()
        && KeyGuard.missing(conn, CrrCatalog.clockedTables(conn)).isEmpty();
  }

  /**
   * Brings the CRRs in line with the schema, inside the caller's transaction: the clocks of dropped
   * tables go, tables that should sync become CRRs (with a {@link KeyGuard}), and every CRR still
   * keeps cr-sqlite's rules. A table that breaks them is refused with its name and the rule.
   */
  static void reconcile(SqliteConnection conn, Set<String> tracked) throws SQLException {
    List<String> orphans = orphanClocks(conn);
    if (!orphans.isEmpty()) {
      // cr-sqlite's version is the highest in its clock tables: keep it from going down, or new
      // writes would reuse versions that peers already count as received
      long version = Sql.queryLong(conn, CrrCatalog.versionQuery(CrrCatalog.clockedTables(conn)));
      Sql.exec(
          conn,
          "INSERT OR REPLACE INTO crsql_master(key, value) VALUES ('pre_compact_dbversion', ?)",
          version);
      for (String table : orphans) {
        Sql.exec(conn, "DROP TABLE " + Sql.quote(table + CrrCatalog.CLOCK_SUFFIX));
        Sql.exec(conn, "DROP TABLE IF EXISTS " + Sql.quote(table + "__crsql_pks"));
      }
    }
    for (String table : notYetCrrs(conn, tracked)) {
      String violation = CrrRules.violation(conn, table);
      if (violation != null) {
        throw CrrRules.refusal(table, violation);
      }
      Sql.queryLong(conn, "SELECT crsql_as_crr(?)", table);
    }
    List<String> crrs = CrrCatalog.clockedTables(conn);
    for (String table : crrs) {
      String violation = CrrRules.laterViolation(conn, table);
      if (violation != null) {
        throw CrrRules.refusal(table, violation);
      }
    }
    for (String table : KeyGuard.missing(conn, crrs)) {
      KeyGuard.install(conn, CrrCatalog.describe(conn, table));
    }
  }

  /** Tables that should sync and are not CRRs yet. */
  private static List<String> notYetCrrs(SqliteConnection conn, Set<String> tracked)
      throws SQLException {
    List<String> crrs = CrrCatalog.clockedTables(conn);
    List<String> missing = new ArrayList<>();
    for (String table : userTables(conn)) {
      boolean wanted =
          tracked != null
              ? tracked.contains(table)
              : !LOCAL_BY_DEFAULT.contains(table.toLowerCase(Locale.ROOT));
      if (wanted && !crrs.contains(table)) {
        missing.add(table);
      }
    }
    return missing;
  }

  /** Clock tables left behind by a dropped CRR (cr-sqlite does not drop them itself). */
  private static List<String> orphanClocks(SqliteConnection conn) throws SQLException {
    List<String> orphans = new ArrayList<>(CrrCatalog.clockedTables(conn));
    orphans.removeAll(userTables(conn));
    return orphans;
  }

  /** One of cr-sqlite's tables ({@code crsql_*}, {@code T__crsql_*}) or chora's. */
  static boolean isOwn(String name) {
    return name.startsWith("crsql_") || name.contains("__crsql_") || OBJECT_NAMES.contains(name);
  }

  /** The application's tables: neither SQLite's, cr-sqlite's nor chora's. */
  private static List<String> userTables(SqliteConnection conn) throws SQLException {
    return Sql.queryStrings(
        conn,
        "SELECT name FROM main.sqlite_schema WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'crsql\\_%' ESCAPE '\\'"
            + " AND name NOT LIKE '%\\_\\_crsql\\_%' ESCAPE '\\' AND name NOT IN ('"
            + String.join("', '", OBJECT_NAMES)
            + "') ORDER BY name");
  }
}
