package io.chora.it.conformance;

import java.sql.Connection;
import java.sql.Savepoint;
import java.util.List;

/** JDBC transactions, SQL transaction control and savepoints, and their errors. */
final class TransactionScenarios {
  private TransactionScenarios() {}

  private static final String T = StatementScenarios.T;

  static List<Scenario> all() {
    return new Scenarios("transaction")
        .add(
            "commit",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.update("UPDATE t SET n = 1");
              r.conn.commit();
              r.note("autocommit", r.conn.getAutoCommit());
            })
        .add(
            "rollback",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'kept')");
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.update("DELETE FROM t WHERE id = 1");
              r.conn.rollback();
              r.query("SELECT name FROM t");
              r.conn.setAutoCommit(true);
            })
        .add(
            "setAutoCommit(true) commits",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.conn.setAutoCommit(true);
              r.conn.setAutoCommit(true);
              try (Connection other = r.open()) {
                r.note("other sees", rows(other));
              }
            })
        .add(
            "commit and rollback in autocommit mode",
            r -> {
              r.fails("commit", r.conn::commit);
              r.fails("rollback", r.conn::rollback);
              r.fails("savepoint", () -> r.conn.setSavepoint());
            })
        .add(
            "empty transactions",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.conn.commit();
              r.query("SELECT count(*) FROM t");
              r.conn.commit();
              r.conn.rollback();
              r.conn.setAutoCommit(true);
            })
        .add(
            "savepoints through JDBC",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(id, name) VALUES (1, 'a')");
              Savepoint one = r.conn.setSavepoint("one");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              Savepoint two = r.conn.setSavepoint();
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.conn.rollback(two);
              r.fails("name of unnamed", two::getSavepointName);
              r.fails("id of named", one::getSavepointId);
              r.note("name", one.getSavepointName());
              r.update("INSERT INTO t(id, name) VALUES (4, 'd')");
              r.conn.releaseSavepoint(one);
              r.conn.commit();
              r.conn.setAutoCommit(true);
              r.query("SELECT id FROM t ORDER BY id");
            })
        .add(
            "rollback to a JDBC savepoint then rollback all",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(id, name) VALUES (1, 'a')");
              Savepoint sp = r.conn.setSavepoint("sp");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.conn.rollback(sp);
              r.fails(
                  "released twice",
                  () -> {
                    r.conn.releaseSavepoint(sp);
                    r.conn.releaseSavepoint(sp);
                  });
              r.conn.rollback();
              r.conn.setAutoCommit(true);
            })
        .add(
            "SQL begin and commit",
            r -> {
              r.setup(T);
              r.execute("BEGIN");
              r.note("autocommit in BEGIN", r.conn.getAutoCommit());
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.update("INSERT INTO t(name) VALUES ('b')");
              r.execute("COMMIT");
              r.execute("BEGIN IMMEDIATE TRANSACTION");
              r.update("UPDATE t SET n = 1");
              r.execute("END TRANSACTION");
              r.execute("BEGIN EXCLUSIVE");
              r.update("DELETE FROM t WHERE name = 'a'");
              r.execute("COMMIT TRANSACTION");
            })
        .add(
            "SQL rollback",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("BEGIN DEFERRED");
              r.update("UPDATE t SET name = 'b'");
              r.execute("ROLLBACK");
              r.execute("BEGIN");
              r.update("DELETE FROM t");
              r.execute("ROLLBACK TRANSACTION");
            })
        .add(
            "SQL transaction errors",
            r -> {
              r.setup(T);
              r.fails("commit outside", () -> r.st().execute("COMMIT"));
              r.fails("rollback outside", () -> r.st().execute("ROLLBACK"));
              r.execute("BEGIN");
              r.fails("begin twice", () -> r.st().execute("BEGIN"));
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.fails("rollback to unknown", () -> r.st().execute("ROLLBACK TO nowhere"));
              r.fails("release unknown", () -> r.st().execute("RELEASE nowhere"));
              r.execute("COMMIT");
            })
        .add(
            "SQL savepoints inside BEGIN",
            r -> {
              r.setup(T);
              r.execute("BEGIN");
              r.update("INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("SAVEPOINT s1");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.execute("SAVEPOINT s2");
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.execute("ROLLBACK TO SAVEPOINT s1");
              r.update("INSERT INTO t(id, name) VALUES (4, 'd')");
              r.execute("RELEASE s1");
              r.execute("COMMIT");
              r.query("SELECT id FROM t ORDER BY id");
            })
        .add(
            "SQL savepoint as the transaction",
            r -> {
              r.setup(T);
              r.execute("SAVEPOINT outer_sp");
              r.update("INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("SAVEPOINT inner_sp");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.execute("RELEASE inner_sp");
              r.execute("RELEASE SAVEPOINT outer_sp");
              r.execute("SAVEPOINT gone");
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.execute("ROLLBACK TO gone");
              r.execute("RELEASE gone");
              r.query("SELECT id FROM t ORDER BY id");
            })
        .add(
            "SQL savepoint in a JDBC transaction",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("SAVEPOINT s");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.execute("ROLLBACK TO s");
              r.execute("RELEASE s");
              r.conn.commit();
              r.conn.setAutoCommit(true);
            })
        .add(
            "a failed write keeps the transaction",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.fails("duplicate", () -> r.st().executeUpdate("INSERT INTO t(id) VALUES (1)"));
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.conn.commit();
              r.conn.setAutoCommit(true);
            })
        .add(
            "insert or rollback ends the transaction",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("BEGIN");
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.fails(
                  "or rollback",
                  () -> r.st().executeUpdate("INSERT OR ROLLBACK INTO t(id) VALUES (1)"));
              r.fails("commit", () -> r.st().execute("COMMIT"));
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
            })
        .add(
            "insert or rollback in a JDBC transaction",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.fails(
                  "or rollback",
                  () -> r.st().executeUpdate("INSERT OR ROLLBACK INTO t(id) VALUES (1)"));
              r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.fails("commit", r.conn::commit);
              r.conn.setAutoCommit(true);
            })
        .add(
            "deferred foreign key fails the commit",
            r -> {
              r.setup(
                  "PRAGMA foreign_keys = ON",
                  "CREATE TABLE p(id INTEGER PRIMARY KEY)",
                  "CREATE TABLE c(id INTEGER PRIMARY KEY,"
                      + " p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)");
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO c VALUES (1, 5)");
              r.fails("commit", r.conn::commit);
              r.update("INSERT INTO p VALUES (5)");
              r.conn.commit();
              r.conn.setAutoCommit(true);
            })
        .add(
            "close with an open transaction",
            r -> {
              r.setup(T);
              Connection c = r.open();
              c.setAutoCommit(false);
              try (var s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t(name) VALUES ('lost')");
              }
              c.close();
              r.query("SELECT count(*) FROM t");
            })
        .add(
            "isolation and read only",
            r -> {
              r.setup(T);
              r.note("isolation", r.conn.getTransactionIsolation());
              r.conn.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
              r.note("isolation", r.conn.getTransactionIsolation());
              r.conn.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
              r.fails(
                  "repeatable read",
                  () -> r.conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ));
              r.note("read only", r.conn.isReadOnly());
              r.fails("set read only", () -> r.conn.setReadOnly(true));
            })
        .add(
            "read only connection",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a')");
              Connection ro = r.open("open_mode=1");
              try (var s = ro.createStatement()) {
                r.fails("write", () -> s.executeUpdate("INSERT INTO t(name) VALUES ('b')"));
                r.fails("ddl", () -> s.executeUpdate("CREATE TABLE x(a)"));
                try (var rs = s.executeQuery("SELECT name FROM t")) {
                  r.rows(rs);
                }
              }
            })
        .add(
            "query_only pragma",
            r -> {
              r.setup(T);
              r.execute("PRAGMA query_only = 1");
              r.fails("write", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('a')"));
              r.query("SELECT count(*) FROM t");
              r.execute("PRAGMA query_only = 0");
              r.update("INSERT INTO t(name) VALUES ('b')");
            })
        .add(
            "two connections see commits only",
            r -> {
              r.setup(T);
              Connection other = r.open();
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.note("other before commit", rows(other));
              r.conn.commit();
              r.note("other after commit", rows(other));
              r.conn.setAutoCommit(true);
              try (var s = other.createStatement()) {
                s.executeUpdate("INSERT INTO t(name) VALUES ('from other')");
              }
              r.query("SELECT name FROM t ORDER BY name");
            })
        .add(
            "second writer is busy",
            r -> {
              r.setup(T, "PRAGMA busy_timeout = 50");
              Connection other = r.open();
              try (var s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                s.executeUpdate("INSERT INTO t(name) VALUES ('other')");
                r.fails("write", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('me')"));
                s.execute("COMMIT");
              }
              r.update("INSERT INTO t(name) VALUES ('me again')");
            })
        .add(
            "DDL in a transaction rolled back",
            r -> {
              r.conn.setAutoCommit(false);
              r.update("CREATE TABLE x(id INTEGER PRIMARY KEY, v)");
              r.update("INSERT INTO x(v) VALUES ('a')");
              r.conn.rollback();
              r.fails("gone", () -> r.st().executeQuery("SELECT * FROM x"));
              r.update("CREATE TABLE x(id INTEGER PRIMARY KEY, w)");
              r.update("INSERT INTO x(w) VALUES ('b')");
              r.conn.commit();
              r.conn.setAutoCommit(true);
            })
        .list();
  }

  private static String rows(Connection c) throws java.sql.SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT group_concat(name) FROM t")) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }
}
