package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A trigger on each CRR that refuses to change a row's primary key. cr-sqlite 0.16 handles such an
 * UPDATE by moving the row's cells to the new key without giving them a new version (see its {@code
 * after_update__move_non_sentinels}), so a peer that asks for what changed since its version never
 * gets them: the row would arrive at the new key with its columns NULL. Deleting the row and
 * inserting it with the new key syncs.
 *
 * <p>A change of a key part's storage class alone (1 to 1.0 in a column without affinity) is a key
 * change too: cr-sqlite compares the two as one key and would not sync it. Guards made before this
 * counted ({@link #OLDER_PREFIX}) are replaced at the next open.
 */
final class KeyGuard {
  private static final String PREFIX = "chora_pk2_";
  private static final String OLDER_PREFIX = "chora_pk_";

  private KeyGuard() {}

  static void install(SqliteConnection conn, CrrTable table) throws SQLException {
    String changed =
        table.keyColumns().stream()
            .map(Sql::quote)
            .map(
                c ->
                    "NEW."
                        + c
                        + " IS NOT OLD."
                        + c
                        + " OR typeof(NEW."
                        + c
                        + ") IS NOT typeof(OLD."
                        + c
                        + ")")
            .collect(Collectors.joining(" OR "));
    String message =
        "chora (crsqlite mode): a row of "
            + table.name()
            + " cannot change its primary key, because cr-sqlite 0.16 does not sync that change:"
            + " delete the row and insert it with the new key";
    Sql.exec(conn, "DROP TRIGGER IF EXISTS " + Sql.quote(OLDER_PREFIX + table.name()));
    Sql.exec(
        conn,
        "CREATE TRIGGER IF NOT EXISTS "
            + Sql.quote(PREFIX + table.name())
            + " BEFORE UPDATE OF "
            + table.keyColumns().stream().map(Sql::quote).collect(Collectors.joining(", "))
            + " ON "
            + Sql.quote(table.name())
            + " WHEN "
            + changed
            + " BEGIN SELECT RAISE(ABORT, '"
            + message.replace("'", "''")
            + "'); END");
  }

  /** The CRRs among {@code tables} that have no guard yet. */
  static List<String> missing(SqliteConnection conn, List<String> tables) throws SQLException {
    List<String> guarded =
        Sql.queryStrings(
            conn,
            "SELECT substr(name, "
                + (PREFIX.length() + 1)
                + ") FROM main.sqlite_schema"
                + " WHERE type = 'trigger' AND name LIKE 'chora\\_pk2\\_%' ESCAPE '\\'");
    return tables.stream().filter(t -> !guarded.contains(t)).toList();
  }
}
