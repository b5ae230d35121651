package io.chora.jdbc.sql;

/** What a statement does, as far as change capture cares. */
public enum SqlKind {
  /** Reads only (SELECT, EXPLAIN, VALUES, read-only PRAGMA...). Never wrapped. */
  READ,
  /** Changes rows (INSERT, UPDATE, DELETE, REPLACE, upserts, WITH ... DML). */
  WRITE,
  /** Changes the schema of a table (CREATE/ALTER/DROP TABLE): capture triggers need a refresh. */
  TABLE_DDL,
  /** Other schema statements (CREATE INDEX/VIEW/TRIGGER, DROP INDEX, ...). */
  OTHER_DDL,
  /** BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION]. */
  BEGIN,
  /** COMMIT or END [TRANSACTION]. */
  COMMIT,
  /** ROLLBACK [TRANSACTION] without TO. */
  ROLLBACK,
  /** SAVEPOINT name. */
  SAVEPOINT,
  /** RELEASE [SAVEPOINT] name. */
  RELEASE,
  /** ROLLBACK TO [SAVEPOINT] name: SQLite itself discards the undone log rows. */
  ROLLBACK_TO,
  /** Several statements in one string: handled conservatively as a write with schema refresh. */
  SCRIPT,
  /** Anything else (PRAGMA, ATTACH, VACUUM, ANALYZE...). Passed through. */
  OTHER;

  /** True for statements after which capture triggers must be re-checked. */
  public boolean changesTables() {
    return this == TABLE_DDL || this == SCRIPT;
  }

  /** True for statements that may change rows and so need a commit marker in autocommit mode. */
  public boolean mayWrite() {
    return this == WRITE || this == TABLE_DDL || this == SCRIPT;
  }
}
