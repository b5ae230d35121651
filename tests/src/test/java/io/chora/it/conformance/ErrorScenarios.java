package io.chora.it.conformance;

import java.sql.PreparedStatement;
import java.util.List;

/**
 * SQLite's errors as an application sees them: each failing statement through {@code execute},
 * {@code executeUpdate} and a prepared statement, with class, SQLState, code and message.
 */
final class ErrorScenarios {
  private ErrorScenarios() {}

  private static final String SCHEMA =
      "CREATE TABLE e(id INTEGER PRIMARY KEY, u TEXT UNIQUE, nn TEXT NOT NULL DEFAULT 'd',"
          + " c INTEGER CHECK (c >= 0), p INTEGER REFERENCES e(id));"
          + " CREATE TABLE st(id INTEGER PRIMARY KEY, i INTEGER) STRICT;"
          + " CREATE TRIGGER e_guard BEFORE DELETE ON e WHEN old.u = 'guarded' BEGIN"
          + " SELECT RAISE(ABORT, 'guarded row'); END;"
          + " CREATE TRIGGER e_fail BEFORE UPDATE OF c ON e WHEN new.c = 99 BEGIN"
          + " SELECT RAISE(FAIL, 'no 99'); END;"
          + " CREATE TRIGGER e_ignore BEFORE INSERT ON e WHEN new.u = 'ignored' BEGIN"
          + " SELECT RAISE(IGNORE); END;"
          + " INSERT INTO e(id, u, c) VALUES (1, 'one', 1), (2, 'guarded', 2), (3, 'three', 3)";

  private record Case(String name, String sql) {}

  private static final List<Case> CASES =
      List.of(
          new Case("syntax error", "INSERT INTO e VALUES ("),
          new Case("misspelled keyword", "UPDTE e SET c = 1"),
          new Case("no such table", "INSERT INTO nope VALUES (1)"),
          new Case("no such column", "UPDATE e SET nope = 1"),
          new Case("unique", "INSERT INTO e(u) VALUES ('one')"),
          new Case("primary key", "INSERT INTO e(id, u) VALUES (1, 'x')"),
          new Case("not null", "INSERT INTO e(u, nn) VALUES ('x', NULL)"),
          new Case("check", "UPDATE e SET c = -1 WHERE id = 1"),
          new Case("strict type", "INSERT INTO st(i) VALUES ('text')"),
          new Case("raise abort", "DELETE FROM e WHERE u = 'guarded'"),
          new Case("raise fail halfway", "UPDATE e SET c = CASE id WHEN 3 THEN 99 ELSE 7 END"),
          new Case("raise ignore", "INSERT INTO e(u) VALUES ('ignored')"),
          new Case("datatype mismatch on rowid", "INSERT INTO e(id) VALUES ('x')"),
          new Case("integer overflow", "UPDATE e SET c = abs(-9223372036854775807 - 1)"),
          new Case("malformed json", "UPDATE e SET nn = json('{')"),
          new Case("ambiguous column", "INSERT INTO e(u) SELECT u FROM e, e AS f"),
          new Case("table exists", "CREATE TABLE e(x)"),
          new Case("drop missing table", "DROP TABLE nope"),
          new Case("index exists", "CREATE INDEX sqlite_autoindex_e_1 ON e(u)"),
          new Case("too few values", "INSERT INTO e(id, u) VALUES (9)"),
          new Case("incomplete input", "SELECT"),
          new Case("empty statement", ""),
          new Case("comment only", "-- nothing"),
          new Case("alter missing column", "ALTER TABLE e DROP COLUMN nope"),
          new Case("drop a unique column", "ALTER TABLE e DROP COLUMN u"),
          new Case("foreign key with checks on", "PRAGMA foreign_keys = ON"),
          new Case("division by zero is null", "UPDATE e SET c = 1 / 0 WHERE id = 3"),
          new Case("or fail halfway", "UPDATE OR FAIL e SET u = 'one' WHERE id >= 2"),
          new Case("or ignore", "UPDATE OR IGNORE e SET u = 'one' WHERE id >= 2"),
          new Case("or replace deletes", "UPDATE OR REPLACE e SET u = 'one' WHERE id = 3"));

  private static Scenario.Body failing(String sql) {
    return r -> {
      r.update(SCHEMA);
      r.fails("executeUpdate", () -> r.note("count", r.st().executeUpdate(sql)));
      r.fails("execute", () -> r.note("result", r.st().execute(sql)));
      r.fails(
          "prepared",
          () -> {
            try (PreparedStatement ps = r.conn.prepareStatement(sql)) {
              r.note("count", ps.executeUpdate());
            }
          });
      r.fails("executeQuery", () -> r.st().executeQuery(sql).close());
      r.query("SELECT id, u, nn, c FROM e ORDER BY id");
    };
  }

  static List<Scenario> all() {
    Scenarios s = new Scenarios("error");
    for (Case c : CASES) {
      s.add(c.name(), failing(c.sql()));
    }
    s.add(
        "foreign key refused",
        r -> {
          r.update(SCHEMA);
          r.execute("PRAGMA foreign_keys = ON");
          r.fails("child", () -> r.st().executeUpdate("INSERT INTO e(u, p) VALUES ('x', 77)"));
          r.fails("parent", () -> r.st().executeUpdate("UPDATE e SET p = 1 WHERE id = 3"));
          r.fails("delete parent", () -> r.st().executeUpdate("DELETE FROM e WHERE id = 1"));
        });
    s.add(
        "closed connection",
        r -> {
          var c = r.open();
          var st = c.createStatement();
          c.close();
          r.fails("statement", c::createStatement);
          r.fails("prepare", () -> c.prepareStatement("SELECT 1"));
          r.fails("execute", () -> st.execute("SELECT 1"));
          r.fails("autocommit", () -> c.setAutoCommit(false));
          r.fails("metadata", c::getMetaData);
          r.note("closed", c.isClosed());
          r.note("valid", c.isValid(1));
        });
    return s.list();
  }
}
