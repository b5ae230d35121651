package io.chora.hub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL store's tables, in schema {@value #SCHEMA}, created and upgraded by the hub. Every
 * workspace shares them, keyed by {@code ws}. The version is kept in {@code schema_version}; hubs
 * starting at once serialize on an advisory lock, and a hub refuses a database whose schema is
 * newer than it knows (a newer hub upgraded it), rather than writing into what it cannot read.
 */
final class PgSchema {
  static final String SCHEMA = "chora_hub";
  static final int VERSION = 3;

  /** The advisory lock key the upgrade holds: "chor" "ahub" in ASCII. */
  private static final long UPGRADE_LOCK = 0x63686f7261687562L;

  private PgSchema() {}

  static void upgrade(Connection db) throws SQLException {
    boolean autoCommit = db.getAutoCommit();
    db.setAutoCommit(false);
    try (Statement st = db.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + UPGRADE_LOCK + ")");
      st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      st.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".schema_version(version int NOT NULL)");
      int version = 0;
      try (ResultSet rs =
          st.executeQuery("SELECT max(version) FROM " + SCHEMA + ".schema_version")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      if (version > VERSION) {
        throw new SQLException(
            "the store's schema is version "
                + version
                + ", newer than this hub's "
                + VERSION
                + ": run the newer hub (docs/hub.md, store schema upgrade)");
      }
      if (version < 1) {
        createVersion1(st);
      }
      if (version < 2) {
        createVersion2(st);
      }
      if (version < 3) {
        createVersion3(st);
      }
      db.commit();
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(autoCommit);
    }
  }

  private static void createVersion1(Statement st) throws SQLException {
    String s = SCHEMA + ".";
    // one row per workspace: its lock (FOR UPDATE in every storing transaction) and the last
    // arrival id given, so ids increase in commit order across instances
    st.execute("CREATE TABLE " + s + "workspace(ws text PRIMARY KEY, last_id bigint NOT NULL)");
    st.execute(
        "CREATE TABLE "
            + s
            + "envelope(ws text NOT NULL, id bigint NOT NULL, origin text NOT NULL,"
            + " first bigint NOT NULL, last bigint NOT NULL, deps text NOT NULL,"
            + " payload text NOT NULL, nonces text, PRIMARY KEY (ws, id))");
    // an origin's envelopes are contiguous and disjoint: (origin, last) is unique, and the index
    // finds where a client's catch-up starts
    st.execute("CREATE UNIQUE INDEX envelope_by_origin ON " + s + "envelope(ws, origin, last)");
    st.execute(
        "CREATE TABLE "
            + s
            + "clock(ws text NOT NULL, origin text NOT NULL, last bigint NOT NULL,"
            + " PRIMARY KEY (ws, origin))");
    st.execute(
        "CREATE TABLE "
            + s
            + "binding(ws text NOT NULL, site text NOT NULL, credential text NOT NULL,"
            + " bound_at bigint NOT NULL, PRIMARY KEY (ws, site))");
    st.execute("INSERT INTO " + s + "schema_version(version) VALUES (1)");
  }

  /**
   * Version 2: the device tokens, so that every instance holds the same ones ({@link PgTokens}).
   */
  private static void createVersion2(Statement st) throws SQLException {
    String s = SCHEMA + ".";
    st.execute(
        "CREATE TABLE "
            + s
            + "device_token(id bigserial PRIMARY KEY, workspace text NOT NULL, name text NOT NULL,"
            + " digest bytea NOT NULL UNIQUE, added_at bigint NOT NULL, revoked_at bigint)");
    st.execute(
        "CREATE UNIQUE INDEX one_active_token_per_name ON "
            + s
            + "device_token(workspace, name) WHERE revoked_at IS NULL");
    st.execute("INSERT INTO " + s + "schema_version(version) VALUES (2)");
  }

  /** Version 3: snapshots and compaction ({@link SnapshotRows}), per workspace. */
  private static void createVersion3(Statement st) throws SQLException {
    String s = SCHEMA + ".";
    st.execute(
        "CREATE TABLE "
            + s
            + "snapshot(ws text NOT NULL, site text NOT NULL, clock text NOT NULL,"
            + " payload text NOT NULL, at_id bigint NOT NULL, stored_at bigint NOT NULL)");
    st.execute("CREATE INDEX snapshot_by_ws ON " + s + "snapshot(ws, at_id)");
    st.execute(
        "CREATE TABLE "
            + s
            + "compacted(ws text NOT NULL, origin text NOT NULL, last bigint NOT NULL,"
            + " PRIMARY KEY (ws, origin))");
    st.execute(
        "CREATE TABLE "
            + s
            + "member(ws text NOT NULL, site text NOT NULL, clock text NOT NULL,"
            + " seen_at bigint NOT NULL, PRIMARY KEY (ws, site))");
    st.execute("CREATE TABLE " + s + "tracking(ws text PRIMARY KEY, since bigint NOT NULL)");
    st.execute("INSERT INTO " + s + "schema_version(version) VALUES (3)");
  }
}
