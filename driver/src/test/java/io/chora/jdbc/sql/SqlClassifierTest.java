package io.chora.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlClassifierTest {
  private final SqlClassifier classifier = new SqlClassifier();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT * FROM t | READ",
        "  /* hint */ select 1 -- trailing | READ",
        "-- comment{NL}VALUES (1) | READ",
        "WITH x AS (SELECT 1) SELECT * FROM x | READ",
        "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v+1 FROM s WHERE v < 3) INSERT INTO t"
            + " SELECT v FROM s | WRITE",
        "WITH d AS (SELECT 1 AS id) DELETE FROM t WHERE id IN (SELECT id FROM d) | WRITE",
        "insert or replace into t values (1) | WRITE",
        "REPLACE INTO t VALUES (1) | WRITE",
        "UPDATE t SET a = ';' WHERE b = 'x;y' | WRITE",
        "DELETE FROM t | WRITE",
        "CREATE TABLE t(id INTEGER PRIMARY KEY) | TABLE_DDL",
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v) WITHOUT ROWID, STRICT | TABLE_DDL",
        "create temp table x(a) | OTHER_DDL",
        "CREATE TEMPORARY TABLE x(a) | OTHER_DDL",
        "CREATE VIRTUAL TABLE f USING fts5(body) | OTHER_DDL",
        "CREATE TABLE copy AS SELECT * FROM t | TABLE_DDL",
        "ALTER TABLE t ADD COLUMN c | TABLE_DDL",
        "ALTER TABLE t RENAME TO u | TABLE_DDL",
        "DROP TABLE IF EXISTS t | TABLE_DDL",
        "DROP INDEX i | TABLE_DDL",
        "CREATE UNIQUE INDEX u ON t(a) | TABLE_DDL",
        "DROP VIEW v | OTHER_DDL",
        "CREATE INDEX i ON t(a) | OTHER_DDL",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; INSERT INTO u VALUES (1); END"
            + " | OTHER_DDL",
        "BEGIN | BEGIN",
        "begin immediate transaction | BEGIN",
        "COMMIT | COMMIT",
        "END TRANSACTION | COMMIT",
        "ROLLBACK | ROLLBACK",
        "ROLLBACK TO sp | ROLLBACK_TO",
        "ROLLBACK TRANSACTION TO SAVEPOINT sp | ROLLBACK_TO",
        "SAVEPOINT sp | SAVEPOINT",
        "RELEASE sp | RELEASE",
        "PRAGMA foreign_keys = ON | OTHER",
        "-- nothing | OTHER",
        "  /* a comment only */  | OTHER",
        "-- a comment{NL}DELETE FROM t | WRITE",
        "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2) | SCRIPT",
        "INSERT INTO t VALUES (1); | WRITE",
        "SELECT 1; DELETE FROM t | SCRIPT",
        "BEGIN; INSERT INTO t VALUES (1); COMMIT | SCRIPT",
      })
  void classifies(String sql, SqlKind expected) {
    assertThat(classifier.classify(sql.replace("{NL}", "\n"))).isEqualTo(expected);
  }
}
