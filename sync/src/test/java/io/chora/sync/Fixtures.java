package io.chora.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for change-set tests; they accept NULL values, unlike List.of and Map.of. */
final class Fixtures {
  private Fixtures() {}

  static List<Object> key(Object... parts) {
    return new ArrayList<>(Arrays.asList(parts));
  }

  /** Column → value pairs in order: {@code row("id", 1L, "name", "x")}. */
  static Map<String, Object> row(Object... columnsAndValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return row;
  }

  static Change insert(String table, List<Object> key, Map<String, Object> values) {
    return new Change(table, key, ChangeKind.INSERT, values);
  }

  static Change update(String table, List<Object> key, Map<String, Object> values) {
    return new Change(table, key, ChangeKind.UPDATE, values);
  }

  static Change delete(String table, List<Object> key) {
    return new Change(table, key, ChangeKind.DELETE, Map.of());
  }

  static Transaction tx(String site, long seq, Change... changes) {
    return new Transaction(
        new Dot(site, seq), Hlc.fromMillis(1_700_000_000_000L) + seq, List.of(changes));
  }

  static VectorClock clock(String text) {
    return VectorClock.parse(text);
  }
}
