package io.chora.jdbc;

import java.util.List;
import java.util.Map;

/**
 * Rows that changes from another replica just changed here: the origin site and, per table, the
 * primary keys (each in primary-key column order) of the rows the applied transactions touched.
 */
public record RemoteChanges(String origin, Map<String, List<List<Object>>> keysByTable) {}
