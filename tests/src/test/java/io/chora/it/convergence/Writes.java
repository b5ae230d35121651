package io.chora.it.convergence;

import static io.chora.it.convergence.Feature.COUNTERS;
import static io.chora.it.convergence.Feature.FOREIGN_KEYS;
import static io.chora.it.convergence.Feature.GENERATED_KEYS;
import static io.chora.it.convergence.Feature.KEY_CHANGES;
import static io.chora.it.convergence.Feature.ROWID_RECORDS;
import static io.chora.it.convergence.Feature.SCHEMA_STEPS;
import static io.chora.it.convergence.Feature.UNIQUE_COLUMNS;

import java.util.List;
import java.util.Set;

/**
 * The write templates a {@link Workload} picks from, each with the {@link Feature} it needs.
 * Parents 100(r+1)+k and children 1000(r+1)+k belong to replica r. Those that need {@link
 * Feature#SCHEMA_STEPS} write {@code item.note} and {@code review} ({@link Schema#V2}): a replica
 * picks them only once it has migrated.
 */
final class Writes {
  private Writes() {}

  /** A write template and the feature it needs, if any. */
  private record Write(String sql, Feature needs) {
    Write(String sql) {
      this(sql, null);
    }
  }

  /**
   * The writes, one picked at random each time: {@code {name}} is a random value ({@code
   * Workload.value}); {@code ~} marks a write that may hit a taken key or a parent's references,
   * which SQLite refuses and the replica goes on.
   */
  private static final List<Write> WRITES =
      List.of(
          new Write("INSERT INTO item(id, name, qty) VALUES ({absentItem}, {name}, {qty})"),
          new Write("~INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"),
          new Write(
              "INSERT INTO item(id, name, qty) SELECT column1, column2, column3 FROM (VALUES"
                  + " ({item}, {name}, {qty}), ({otherItem}, {name}, {qty}))"
                  + " WHERE column1 NOT IN (SELECT id FROM item)"),
          new Write(
              "INSERT INTO item(id, name, qty) SELECT id + 3, name || '+', qty FROM item"
                  + " WHERE id + 3 <= 10 AND id + 3 NOT IN (SELECT id FROM item)"),
          new Write(
              "WITH RECURSIVE s(v) AS (SELECT {item} UNION ALL SELECT v + 1 FROM s WHERE v < 10)"
                  + " INSERT INTO item(id, name, qty) SELECT v, 'cte', v FROM s"
                  + " WHERE v NOT IN (SELECT id FROM item)"),
          new Write(
              "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"
                  + " ON CONFLICT(id) DO UPDATE SET qty = coalesce(item.qty, 0) + excluded.qty"),
          new Write(
              "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"
                  + " ON CONFLICT(id) DO UPDATE SET name = excluded.name WHERE item.qty > 0"),
          new Write(
              "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"
                  + " ON CONFLICT DO NOTHING"),
          new Write("INSERT OR REPLACE INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"),
          new Write("REPLACE INTO item(id, name) VALUES ({item}, {name})"),
          new Write("UPDATE item SET qty = coalesce(qty, 0) + {small} WHERE id % {mod} = {bit}"),
          new Write("UPDATE item SET name = {name} WHERE qty > {small}"),
          new Write("UPDATE item SET name = {name}, qty = {qty} WHERE id = {item}"),
          new Write("UPDATE item SET qty = NULL WHERE id = {item}"),
          new Write("UPDATE item SET id = {absentItem} WHERE id = {presentItem}", KEY_CHANGES),
          new Write("DELETE FROM item WHERE id = {item}"),
          new Write("DELETE FROM item WHERE id BETWEEN {item} AND {item}"),
          new Write("DELETE FROM item WHERE qty < {small}"),
          new Write("~INSERT INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})"),
          new Write(
              "INSERT OR IGNORE INTO tag(item, label, weight)"
                  + " SELECT id, {label}, qty * 0.25 FROM item WHERE id <= 5 AND id % 2 = {bit}"),
          new Write(
              "INSERT INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})"
                  + " ON CONFLICT(item, label) DO UPDATE SET weight = excluded.weight"),
          new Write("REPLACE INTO tag(item, label, weight) VALUES ({tagItem}, {label}, {weight})"),
          new Write("UPDATE tag SET weight = coalesce(weight, 0) + 0.5 WHERE label = {label}"),
          new Write(
              "UPDATE OR IGNORE tag SET label = {label} WHERE item = {tagItem} AND label = {label}",
              KEY_CHANGES),
          new Write("DELETE FROM tag WHERE item = {tagItem}"),
          new Write("DELETE FROM tag WHERE item = {tagItem} AND label = {label}"),
          new Write("UPDATE parent SET name = {name} WHERE id = {parent}", FOREIGN_KEYS),
          new Write("~INSERT INTO parent(id, name) VALUES ({ownParent}, {name})", FOREIGN_KEYS),
          new Write( // cascades
              "~INSERT OR REPLACE INTO parent(id, name) VALUES ({ownParent}, {name})",
              FOREIGN_KEYS),
          new Write("~DELETE FROM parent WHERE id = {ownParent}", FOREIGN_KEYS), // cascades
          new Write(
              "~INSERT INTO child(id, parent, note) VALUES ({sharedChild}, {sharedParent}, {name})",
              FOREIGN_KEYS),
          new Write(
              "~INSERT INTO child(id, parent, note) VALUES ({ownChild}, {ownExistingParent},"
                  + " {name})",
              FOREIGN_KEYS),
          new Write("UPDATE child SET note = {name} WHERE parent = {parent}", FOREIGN_KEYS),
          new Write("UPDATE child SET note = {name} WHERE id = {child}", FOREIGN_KEYS),
          new Write(
              "UPDATE child SET parent = {sharedParent} WHERE id = {sharedChild}", FOREIGN_KEYS),
          new Write("DELETE FROM child WHERE id = {child}", FOREIGN_KEYS),
          new Write( // refused while visits reference it
              "~DELETE FROM parent WHERE id = {otherParent}", FOREIGN_KEYS),
          new Write(
              "~INSERT INTO child(id, parent, note) VALUES ({ownChild}, {laterParent}, {name})",
              FOREIGN_KEYS),
          new Write(
              "~INSERT INTO visit(id, parent, note) VALUES ({visit}, {laterParent}, {name})",
              FOREIGN_KEYS),
          new Write("UPDATE visit SET note = {name} WHERE id = {visit}", FOREIGN_KEYS),
          new Write("DELETE FROM visit WHERE id = {visit}", FOREIGN_KEYS),
          new Write(
              "~INSERT INTO person(id, email, name) VALUES ({person}, {email}, {name})",
              UNIQUE_COLUMNS),
          new Write(
              "INSERT OR REPLACE INTO person(id, email, name) VALUES ({person}, {email}, {name})",
              UNIQUE_COLUMNS),
          new Write("~UPDATE person SET email = {email} WHERE id = {person}", UNIQUE_COLUMNS),
          new Write("UPDATE person SET name = {name} WHERE id = {person}", UNIQUE_COLUMNS),
          new Write("DELETE FROM person WHERE id = {person}", UNIQUE_COLUMNS),
          new Write( // replicas pick the same small keys: concurrent creations collide
              "~INSERT INTO memo(id, owner) VALUES ({memo}, {owner})", ROWID_RECORDS),
          new Write("INSERT INTO memo(owner) VALUES ({owner})", ROWID_RECORDS), // a generated key
          new Write( // what a blend would give away: a body whose owner is another row's
              "UPDATE memo SET body = owner || ':' || {name} WHERE id = {memo}", ROWID_RECORDS),
          new Write("DELETE FROM memo WHERE id = {memo}", ROWID_RECORDS),
          new Write(
              "INSERT INTO memo(id, owner) VALUES (NULL, {owner}), (NULL, {owner})",
              GENERATED_KEYS),
          new Write(
              "INSERT INTO memo(owner) SELECT column1 FROM (VALUES ({owner}))", GENERATED_KEYS),
          new Write(
              "UPDATE memo SET body = owner || ':' || {name} WHERE id = {generatedMemo}",
              GENERATED_KEYS),
          new Write("DELETE FROM memo WHERE id = {generatedMemo}", GENERATED_KEYS),
          new Write("UPDATE item SET note = {name} WHERE id = {item}", SCHEMA_STEPS),
          new Write("UPDATE item SET note = note || {bit} WHERE qty > {small}", SCHEMA_STEPS),
          new Write(
              "INSERT INTO item(id, name, qty, note) VALUES ({absentItem}, {name}, {qty}, {name})",
              SCHEMA_STEPS),
          new Write(
              "INSERT INTO item(id, name, qty, note) VALUES ({item}, {name}, {qty}, {name})"
                  + " ON CONFLICT(id) DO UPDATE SET note = excluded.note",
              SCHEMA_STEPS),
          new Write(
              "INSERT OR REPLACE INTO review(id, item, stars) VALUES ({review}, {item}, {small})",
              SCHEMA_STEPS),
          new Write(
              "~INSERT INTO review(id, item, stars) VALUES ({review}, {item}, {small})",
              SCHEMA_STEPS),
          new Write("UPDATE review SET stars = {small} WHERE id = {review}", SCHEMA_STEPS),
          new Write("UPDATE review SET stars = stars + 1 WHERE item = {item}", SCHEMA_STEPS),
          new Write("DELETE FROM review WHERE id = {review}", SCHEMA_STEPS),
          new Write("UPDATE item SET qty = qty + {small} WHERE id = {item}", COUNTERS),
          new Write("UPDATE item SET qty = qty - 1 WHERE id % {mod} = {bit}", COUNTERS),
          new Write(
              "INSERT INTO item(id, name, qty) VALUES ({item}, {name}, {qty})"
                  + " ON CONFLICT(id) DO UPDATE SET qty = qty + excluded.qty",
              COUNTERS));

  /** The templates {@code features} allow on v1, in their order here. */
  static List<String> allowedBy(Set<Feature> features) {
    return WRITES.stream()
        .filter(w -> w.needs() == null || w.needs() != SCHEMA_STEPS && features.contains(w.needs()))
        .map(Write::sql)
        .toList();
  }

  /** The templates {@code features} allow once a replica has migrated to v2, in their order. */
  static List<String> afterMigration(Set<Feature> features) {
    return WRITES.stream()
        .filter(w -> w.needs() == null || features.contains(w.needs()))
        .map(Write::sql)
        .toList();
  }
}
