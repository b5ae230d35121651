package io.chora.jdbc.shared;

import java.util.List;
import java.util.Map;

/** A table as incoming changes are checked against it, in either mode. */
public interface SyncedTable {
  String name();

  /** The primary key's columns in key order. */
  List<String> keyColumns();

  /** Whether the table is STRICT: then values must fit {@link #types()}. */
  boolean strict();

  /** Declared column types by column name. */
  Map<String, String> types();
}
