package io.chora.jdbc.crsqlite;

import io.chora.jdbc.shared.SyncedTable;
import java.util.List;
import java.util.Map;

/**
 * A table cr-sqlite replicates (a CRR), as incoming changes are checked against it: its primary key
 * columns in key order, its other columns, and for a STRICT table the declared types.
 */
record CrrTable(
    String name,
    List<String> keyColumns,
    List<String> otherColumns,
    boolean strict,
    Map<String, String> types)
    implements SyncedTable {}
