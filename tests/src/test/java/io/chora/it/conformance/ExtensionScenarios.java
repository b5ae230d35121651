package io.chora.it.conformance;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.sqlite.BusyHandler;
import org.sqlite.Collation;
import org.sqlite.Function;
import org.sqlite.ProgressHandler;

/**
 * sqlite-jdbc's static APIs on a chora connection, which check {@code instanceof SQLiteConnection}:
 * SQL functions (scalar, aggregate, window), collations, busy and progress handlers.
 */
final class ExtensionScenarios {
  private ExtensionScenarios() {}

  private static final String T = StatementScenarios.T;

  /** {@code twice(x)}: x doubled, of x's type; an error for a blob. */
  static final class Twice extends Function {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    protected void xFunc() throws SQLException {
      calls.incrementAndGet();
      switch (value_type(0)) {
        case 1 -> result(value_long(0) * 2);
        case 2 -> result(value_double(0) * 2);
        case 3 -> result(value_text(0) + value_text(0));
        case 4 -> error("twice: no blobs");
        default -> result();
      }
    }
  }

  /** {@code total_len(text)}: the summed lengths, as an aggregate and a window. */
  static final class TotalLength extends Function.Window {
    private long total;

    @Override
    protected void xStep() throws SQLException {
      total += value_text(0) == null ? 0 : value_text(0).length();
    }

    @Override
    protected void xInverse() throws SQLException {
      total -= value_text(0) == null ? 0 : value_text(0).length();
    }

    @Override
    protected void xValue() throws SQLException {
      result(total);
    }

    @Override
    protected void xFinal() throws SQLException {
      result(total);
      total = 0;
    }
  }

  /** Orders by length, then reversed text. */
  static final class ByLength extends Collation {
    @Override
    protected int xCompare(String a, String b) {
      int c = Integer.compare(a.length(), b.length());
      return c != 0 ? c : new StringBuilder(b).reverse().compareTo(new StringBuilder(a).reverse());
    }
  }

  private static Scenario.Body withTwice(Scenario.Body body) {
    return r -> {
      r.setup(T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1), (2, 'bb', 2), (3, NULL, NULL)");
      Function.create(r.conn, "twice", new Twice(), 1, Function.FLAG_DETERMINISTIC);
      body.on(r);
    };
  }

  static List<Scenario> all() {
    return new Scenarios("extension")
        .add(
            "scalar function in a query",
            withTwice(
                r -> r.query("SELECT id, twice(n), twice(name), twice(1.25) FROM t ORDER BY id")))
        .add(
            "scalar function in writes",
            withTwice(
                r -> {
                  r.update("UPDATE t SET n = twice(n), name = twice(name)");
                  r.update("INSERT INTO t(id, name, n) VALUES (4, twice('x'), twice(21))");
                  r.update("DELETE FROM t WHERE twice(n) > 7");
                  r.query("SELECT id, name, n FROM t ORDER BY id");
                }))
        .add(
            "scalar function raising an error",
            withTwice(
                r -> {
                  r.fails("query", () -> r.query("SELECT twice(x'00')"));
                  r.fails("write", () -> r.st().executeUpdate("UPDATE t SET n = twice(x'01')"));
                  r.query("SELECT n FROM t ORDER BY id");
                }))
        .add(
            "function throwing a Java exception",
            r -> {
              r.setup(T, "INSERT INTO t(id, n) VALUES (1, 1)");
              Function.create(
                  r.conn,
                  "boom",
                  new Function() {
                    @Override
                    protected void xFunc() throws SQLException {
                      throw new SQLException("boom!");
                    }
                  });
              r.fails("query", () -> r.query("SELECT boom()"));
              r.fails("write", () -> r.st().executeUpdate("UPDATE t SET n = boom()"));
            })
        .add(
            "function in a default, a check and an index",
            withTwice(
                r -> {
                  r.setup(
                      "CREATE TABLE f(id INTEGER PRIMARY KEY, v INTEGER CHECK (twice(v) < 100))",
                      "CREATE INDEX f_twice ON f(twice(v))");
                  r.update("INSERT INTO f(v) VALUES (1), (2)");
                  r.fails("check", () -> r.st().executeUpdate("INSERT INTO f(v) VALUES (60)"));
                  r.query("SELECT v FROM f WHERE twice(v) = 4");
                }))
        .add(
            "function called once per row",
            r -> {
              r.setup(T, "INSERT INTO t(id, n) VALUES (1, 1), (2, 2), (3, 3)");
              Twice twice = new Twice();
              Function.create(r.conn, "twice", twice, 1, 0);
              r.update("UPDATE t SET n = twice(n)");
              r.note("calls", twice.calls.get());
              r.update("INSERT INTO t(n) SELECT twice(n) FROM t");
              r.note("calls", twice.calls.get());
            })
        .add(
            "function destroyed",
            withTwice(
                r -> {
                  r.query("SELECT twice(2)");
                  Function.destroy(r.conn, "twice");
                  r.fails("gone", () -> r.query("SELECT twice(2)"));
                }))
        .add(
            "function overriding a built-in",
            r -> {
              Function.create(
                  r.conn,
                  "upper",
                  new Function() {
                    @Override
                    protected void xFunc() throws SQLException {
                      result("U:" + value_text(0));
                    }
                  },
                  1,
                  0);
              r.query("SELECT upper('a'), lower('B')");
            })
        .add(
            "aggregate function",
            r -> {
              r.setup(
                  T, "INSERT INTO t(name, n) VALUES ('a', 1), ('bb', 1), ('ccc', 2), (NULL, 2)");
              Function.create(r.conn, "total_len", new TotalLength());
              r.query("SELECT n, total_len(name) FROM t GROUP BY n ORDER BY n");
              r.update("UPDATE t SET n = (SELECT total_len(name) FROM t AS x)");
              r.query("SELECT DISTINCT n FROM t");
            })
        .add(
            "window function",
            r -> {
              r.setup(
                  T, "INSERT INTO t(id, name) VALUES (1, 'a'), (2, 'bb'), (3, 'ccc'), (4, 'dddd')");
              Function.create(r.conn, "total_len", new TotalLength());
              r.query(
                  "SELECT id, total_len(name) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND"
                      + " CURRENT ROW) FROM t ORDER BY id");
            })
        .add(
            "collation in order by and a column",
            r -> {
              Collation.create(r.conn, "BYLEN", new ByLength());
              r.setup(
                  "CREATE TABLE c(k TEXT PRIMARY KEY COLLATE BYLEN, v)",
                  "CREATE INDEX c_v ON c(v COLLATE BYLEN)");
              r.update("INSERT INTO c VALUES ('ccc', 'x'), ('a', 'yy'), ('bb', 'z')");
              r.fails(
                  "same by collation",
                  () -> r.st().executeUpdate("INSERT INTO c VALUES ('zz', 1)"));
              r.update("UPDATE c SET v = 'w' WHERE k = 'A'");
              r.query("SELECT k, v FROM c ORDER BY k");
              r.query("SELECT v FROM c ORDER BY v COLLATE BYLEN DESC");
            })
        .add(
            "collation destroyed",
            r -> {
              Collation.create(r.conn, "BYLEN", new ByLength());
              r.query("SELECT 'bb' < 'a' COLLATE BYLEN");
              Collation.destroy(r.conn, "BYLEN");
              r.fails("gone", () -> r.query("SELECT 'bb' < 'a' COLLATE BYLEN"));
            })
        .add(
            "busy handler giving up",
            r -> {
              r.setup(T);
              AtomicInteger calls = new AtomicInteger();
              BusyHandler.setHandler(
                  r.conn,
                  new BusyHandler() {
                    @Override
                    protected int callback(int previous) {
                      calls.incrementAndGet();
                      return previous < 2 ? 1 : 0;
                    }
                  });
              Connection other = r.open();
              try (var s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                r.fails("write", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('me')"));
                r.note("busy calls", calls.get());
                r.fails("read", () -> r.query("SELECT count(*) FROM t"));
                s.execute("COMMIT");
              }
              calls.set(0);
              r.update("INSERT INTO t(name) VALUES ('me')");
              r.note("busy calls when free", calls.get());
              BusyHandler.clearHandler(r.conn);
            })
        .add(
            "busy handler waiting for a commit",
            r -> {
              r.setup(T);
              Connection other = r.open();
              var s = other.createStatement();
              s.execute("BEGIN IMMEDIATE");
              s.executeUpdate("INSERT INTO t(name) VALUES ('other')");
              AtomicInteger calls = new AtomicInteger();
              BusyHandler.setHandler(
                  r.conn,
                  new BusyHandler() {
                    @Override
                    protected int callback(int previous) throws SQLException {
                      if (calls.incrementAndGet() == 1) {
                        s.execute("COMMIT"); // the other writer lets go on the first call
                      }
                      return 1;
                    }
                  });
              r.update("INSERT INTO t(name) VALUES ('me')");
              r.note("busy calls", calls.get());
              s.close();
            })
        .add(
            "busy timeout",
            r -> {
              r.setup(T);
              r.sqlite().setBusyTimeout(20);
              r.note("busy timeout", r.sqlite().getBusyTimeout());
              r.query("PRAGMA busy_timeout");
              Connection other = r.open();
              try (var s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                r.fails("write", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('me')"));
                s.execute("ROLLBACK");
              }
            })
        .add(
            "progress handler interrupting",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a')");
              ProgressHandler.setHandler(
                  r.conn,
                  1,
                  new ProgressHandler() {
                    @Override
                    protected int progress() {
                      return 1;
                    }
                  });
              r.fails("query", () -> r.query("SELECT count(*) FROM t"));
              r.fails("write", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('b')"));
              ProgressHandler.clearHandler(r.conn);
              r.update("INSERT INTO t(name) VALUES ('c')");
            })
        .list();
  }
}
