package io.chora.jdbc.crsqlite;

import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One row of {@code crsql_changes} as a {@link Change} of chora's wire format, and back.
 *
 * <ul>
 *   <li>A cell ({@code cid} a column): an update carrying that one column, and cr-sqlite's
 *       bookkeeping for it under names cr-sqlite reserves: {@value #COL_VERSION} (what decides the
 *       merge), {@value #SEQ} and {@value #SITE} (the writer's site id).
 *   <li>A row marker ({@code cid} {@code -1}) with an odd causal length, the row's (re)creation: an
 *       insert carrying only the bookkeeping.
 *   <li>A row marker with an even causal length, a deletion: a delete with its causal length and no
 *       values (the wire format allows none). cr-sqlite sets a delete marker's col_version to its
 *       causal length; its seq and writer are not carried, and the receiver records seq 0 and the
 *       replica that sent it.
 * </ul>
 *
 * The key travels unpacked, so that it is checked against the table's key columns.
 */
final class NativeChanges {
  static final String SENTINEL = "-1";
  static final String COL_VERSION = "__crsql_col_version";
  static final String SEQ = "__crsql_seq";
  static final String SITE = "__crsql_site_id";
  static final Set<String> BOOKKEEPING = Set.of(COL_VERSION, SEQ, SITE);

  /** The columns read from {@code crsql_changes}, in the order {@link #toChange} takes them. */
  static final String COLUMNS = "\"table\", pk, cid, val, col_version, site_id, cl, seq";

  private NativeChanges() {}

  static Change toChange(
      String table,
      byte[] pk,
      String cid,
      Object val,
      long colVersion,
      byte[] site,
      long cl,
      long seq)
      throws SQLException {
    if (cid.equals(SENTINEL) && cl % 2 == 0) {
      return new Change(table, PackedColumns.unpack(pk), ChangeKind.DELETE, cl, Map.of());
    }
    Map<String, Object> values = new LinkedHashMap<>();
    if (!cid.equals(SENTINEL)) {
      values.put(cid, val);
    }
    values.put(COL_VERSION, colVersion);
    values.put(SEQ, seq);
    values.put(SITE, NativeSites.format(site));
    ChangeKind kind = cid.equals(SENTINEL) ? ChangeKind.INSERT : ChangeKind.UPDATE;
    return new Change(table, PackedColumns.unpack(pk), kind, cl, values);
  }

  /** The column an update writes: its one value that is not bookkeeping, or null. */
  static String cellColumn(Change change) {
    for (String column : change.values().keySet()) {
      if (!BOOKKEEPING.contains(column)) {
        return column;
      }
    }
    return null;
  }

  /**
   * The {@code crsql_changes} row a checked change writes: table, pk, cid, val, col_version,
   * site_id, cl, seq. {@code sender} stands in for a deletion's writer.
   */
  static Object[] toRow(Change change, byte[] sender) throws SQLException {
    byte[] pk = PackedColumns.pack(change.key());
    if (change.kind() == ChangeKind.DELETE) {
      return new Object[] {
        change.table(), pk, SENTINEL, null, change.causalLength(), sender, change.causalLength(), 0L
      };
    }
    String cid = change.kind() == ChangeKind.INSERT ? SENTINEL : cellColumn(change);
    Map<String, Object> values = change.values();
    return new Object[] {
      change.table(),
      pk,
      cid,
      cid.equals(SENTINEL) ? null : values.get(cid),
      values.get(COL_VERSION),
      NativeSites.parse((String) values.get(SITE)),
      change.causalLength(),
      values.get(SEQ)
    };
  }
}
