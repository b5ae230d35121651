package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random history on three replicas for tests that compare a fast path with the rules'
 * reference path: deletes, re-inserts, REPLACE, rows created concurrently under one rowid key
 * (lives that give way), counters, a column and a table only r0 has (kept aside by the others), a
 * column r1 renames half-way, a table with a TEXT key and generated keys, with syncs of random
 * pairs between writes. {@code check} runs now and then and at the end.
 */
final class RandomHistory {
  /** What a test checks of the replicas at a point of the history. */
  interface Check {
    void on(List<Connection> replicas) throws Exception;
  }

  private RandomHistory() {}

  static void run(Random rnd, Path at, Check check) throws Exception {
    List<Connection> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Connection c = Db.chora(at, "r" + i + ".db", "chora.site=r" + i + "&chora.counters=memo.n");
        exec(
            c,
            "CREATE TABLE memo(id INTEGER PRIMARY KEY, owner TEXT, body TEXT, n INTEGER NOT NULL"
                + " DEFAULT 0, qty REAL)",
            "CREATE TABLE u(k TEXT PRIMARY KEY, v)");
        replicas.add(c);
      }
      // r0 is ahead: a column and a table the others lack until later, which they keep aside
      exec(
          replicas.get(0),
          "ALTER TABLE memo ADD COLUMN extra TEXT",
          "CREATE TABLE only0(id INTEGER PRIMARY KEY, x)");
      int steps = 20 + rnd.nextInt(40);
      for (int step = 0; step < steps; step++) {
        int r = rnd.nextInt(3);
        Connection c = replicas.get(r);
        if (step == steps / 2) {
          exec(replicas.get(1), "ALTER TABLE memo RENAME COLUMN body TO text");
        } else if (rnd.nextInt(6) == 0) {
          int other = (r + 1 + rnd.nextInt(2)) % 3;
          Db.of(c).syncWith(Db.of(replicas.get(other)));
        } else {
          boolean tx = rnd.nextInt(3) == 0;
          if (tx) {
            c.setAutoCommit(false);
          }
          for (int w = tx ? 2 + rnd.nextInt(4) : 1; w > 0; w--) {
            write(rnd, c, r);
          }
          if (tx) {
            c.commit();
            c.setAutoCommit(true);
          }
        }
        if (rnd.nextInt(8) == 0) {
          check.on(replicas);
        }
      }
      check.on(replicas);
    } finally {
      for (Connection r : replicas) {
        r.close();
      }
    }
  }

  private static void write(Random rnd, Connection c, int r) throws SQLException {
    long key = 1 + rnd.nextInt(6); // few keys: replicas create rows under one key concurrently
    String body = body(c);
    switch (rnd.nextInt(10)) {
      case 0, 1 ->
          exec(
              c,
              "INSERT OR IGNORE INTO memo(id, owner, "
                  + body
                  + ", qty) VALUES ("
                  + key
                  + ", 'r"
                  + r
                  + "', 'b"
                  + rnd.nextInt(99)
                  + "', "
                  + rnd.nextInt(9) * 0.5
                  + ")");
      case 2 -> exec(c, "INSERT INTO memo(owner) VALUES ('gen" + r + "')"); // a generated key
      case 3 ->
          exec(c, "UPDATE memo SET " + body + " = 'u" + rnd.nextInt(99) + "' WHERE id = " + key);
      case 4 -> exec(c, "UPDATE memo SET n = n + " + (1 + rnd.nextInt(3)) + " WHERE id = " + key);
      case 5 -> exec(c, "DELETE FROM memo WHERE id = " + key);
      case 6 ->
          exec(c, "INSERT OR REPLACE INTO memo(id, owner) VALUES (" + key + ", 'rep" + r + "')");
      case 7 ->
          exec(c, "INSERT OR REPLACE INTO u(k, v) VALUES ('k" + key + "', " + rnd.nextInt(9) + ")");
      case 8 -> exec(c, "DELETE FROM u WHERE k = 'k" + key + "'");
      default -> {
        if (r == 0) {
          exec(
              c,
              "INSERT OR REPLACE INTO only0(id, x) VALUES (" + key + ", " + rnd.nextInt(9) + ")",
              "UPDATE memo SET extra = 'e" + rnd.nextInt(9) + "' WHERE id = " + key);
        } else {
          exec(c, "UPDATE memo SET n = 7, qty = NULL WHERE id = " + key); // a counter's reset
        }
      }
    }
  }

  /** The text column's name on this replica (r1 renames it half-way). */
  private static String body(Connection c) throws SQLException {
    return Db.rows(c, "SELECT name FROM pragma_table_info('memo') WHERE name = 'text'").isEmpty()
        ? "body"
        : "text";
  }
}
