package io.chora.it.conformance;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/** {@code PreparedStatement}s: each setter into each column affinity, keys, metadata, reuse. */
final class PreparedScenarios {
  private PreparedScenarios() {}

  private static final String AFFINITIES =
      "CREATE TABLE v(id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, nu NUMERIC,"
          + " bo BOOLEAN, dt DATETIME, dc DECIMAL(10,2), vc VARCHAR(5), none)";

  /** One value bound through one setter into every column of {@link #AFFINITIES}. */
  @FunctionalInterface
  private interface Bind {
    void into(PreparedStatement ps, int index) throws Exception;
  }

  private static Scenario.Body setter(Bind bind) {
    return r -> {
      r.setup(AFFINITIES);
      try (PreparedStatement ps =
          r.conn.prepareStatement(
              "INSERT INTO v(i, r, t, b, nu, bo, dt, dc, vc, none)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= 10; i++) {
          bind.into(ps, i);
        }
        r.note("insert", ps.executeUpdate());
      }
      r.query(
          "SELECT typeof(i), typeof(r), typeof(t), typeof(b), typeof(nu), typeof(bo), typeof(dt),"
              + " typeof(dc), typeof(vc), typeof(none) FROM v");
      r.query("SELECT i, r, t, b, nu, bo, dt, dc, vc, none FROM v");
      try (Statement s = r.conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT i, r, t, nu, bo, dt, dc, vc, none FROM v")) {
        rs.next();
        for (int c = 1; c <= 9; c++) {
          int col = c;
          r.fails("getters " + c, () -> r.note(getters(rs, col)));
        }
      }
    };
  }

  private static String getters(ResultSet rs, int c) throws Exception {
    StringBuilder s = new StringBuilder("  col " + c + ":");
    s.append(" string=").append(rs.getString(c));
    s.append(" long=").append(rs.getLong(c));
    s.append(" double=").append(rs.getDouble(c));
    s.append(" boolean=").append(rs.getBoolean(c));
    s.append(" wasNull=").append(rs.wasNull());
    return s.toString();
  }

  static List<Scenario> all() {
    Scenarios s = new Scenarios("prepared");
    s.add("setInt", setter((ps, i) -> ps.setInt(i, 42)))
        .add("setLong max", setter((ps, i) -> ps.setLong(i, Long.MAX_VALUE)))
        .add("setDouble", setter((ps, i) -> ps.setDouble(i, 2.5)))
        .add("setFloat", setter((ps, i) -> ps.setFloat(i, 0.1f)))
        .add("setString number", setter((ps, i) -> ps.setString(i, "12")))
        .add("setString text", setter((ps, i) -> ps.setString(i, "héllo ☺")))
        .add("setBytes", setter((ps, i) -> ps.setBytes(i, new byte[] {0, 1, (byte) 0xff})))
        .add("setNull", setter((ps, i) -> ps.setNull(i, Types.INTEGER)))
        .add("setBoolean", setter((ps, i) -> ps.setBoolean(i, true)))
        .add("setBigDecimal", setter((ps, i) -> ps.setBigDecimal(i, new BigDecimal("12.345"))))
        .add("setDate", setter((ps, i) -> ps.setDate(i, new Date(86_400_000L * 365))))
        .add("setTime", setter((ps, i) -> ps.setTime(i, new Time(3_600_000L))))
        .add("setTimestamp", setter((ps, i) -> ps.setTimestamp(i, new Timestamp(1_000_000_000L))))
        .add("setObject mixed", setter((ps, i) -> ps.setObject(i, i % 2 == 0 ? (Object) i : "s")))
        .add("setObject typed", setter((ps, i) -> ps.setObject(i, "7", Types.INTEGER)));
    return s.add(
            "prepared insert with generated keys, reused",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(name, n) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 3; i++) {
                  ps.setString(1, "r" + i);
                  ps.setInt(2, i);
                  r.note("insert", ps.executeUpdate());
                  r.keys(ps, "t");
                }
              }
            })
        .add(
            "prepared insert with key column names",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)", new String[] {"id"})) {
                ps.setString(1, "a");
                r.note("insert", ps.executeUpdate());
                r.keys(ps, "t");
              }
            })
        .add(
            "parameter metadata",
            r -> {
              r.setup(StatementScenarios.T);
              for (String sql :
                  List.of(
                      "INSERT INTO t(name, n) VALUES (?, ?)",
                      "INSERT INTO t(id, name) VALUES (?, ?)",
                      "INSERT INTO t(name) VALUES (?), (?)",
                      "UPDATE t SET n = ? WHERE id = ?",
                      "SELECT * FROM t WHERE n > ?")) {
                try (PreparedStatement ps = r.conn.prepareStatement(sql)) {
                  ParameterMetaData meta = ps.getParameterMetaData();
                  r.note(sql + ": parameters", meta.getParameterCount());
                  r.note("  nullable 1", meta.isNullable(1));
                }
              }
            })
        .add(
            "result metadata before execution",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("SELECT id, name AS label, n + 1 FROM t")) {
                ResultSetMetaData meta = ps.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                  r.note(
                      "column " + i,
                      meta.getColumnName(i)
                          + " "
                          + meta.getColumnLabel(i)
                          + " "
                          + meta.getColumnTypeName(i)
                          + " "
                          + meta.getTableName(i)
                          + " "
                          + meta.isNullable(i)
                          + " "
                          + meta.isAutoIncrement(i));
                }
              }
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
                r.note("insert has metadata columns", ps.getMetaData().getColumnCount());
              }
            })
        .add(
            "numbered and named parameters",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name, n) VALUES (?2, ?1)")) {
                ps.setInt(1, 9);
                ps.setString(2, "nine");
                r.note("numbered", ps.executeUpdate());
              }
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(n, name) VALUES (:n, :name)")) {
                ps.setInt(1, 8);
                ps.setString(2, "eight");
                r.note("named", ps.executeUpdate());
              }
              r.query("SELECT name, n FROM t ORDER BY n");
            })
        .add(
            "prepared execute of a write and of a read",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
                ps.setString(1, "a");
                r.note("execute", ps.execute());
                r.note("update count", ps.getUpdateCount());
                r.note("result set", ps.getResultSet());
              }
              try (PreparedStatement ps = r.conn.prepareStatement("SELECT name FROM t")) {
                r.note("execute", ps.execute());
                r.rows(ps.getResultSet());
                r.note("update count", ps.getUpdateCount());
              }
            })
        .add(
            "prepared executeQuery of a write",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
                ps.setString(1, "a");
                r.fails("query", ps::executeQuery);
              }
              r.query("SELECT count(*) FROM t");
            })
        .add(
            "prepared insert returning",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(name, n) VALUES (?, ?) RETURNING n, name")) {
                ps.setString(1, "a");
                ps.setInt(2, 3);
                try (ResultSet rs = ps.executeQuery()) {
                  r.rows(rs);
                }
                ps.setString(1, "b");
                ps.setInt(2, 4);
                try (ResultSet rs = ps.executeQuery()) {
                  r.rows(rs);
                }
              }
              r.query("SELECT name, n FROM t ORDER BY n");
            })
        .add(
            "prepared upsert, insert select and default values",
            r -> {
              r.setup(StatementScenarios.T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1)");
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(id, name, n) VALUES (?, ?, 1)"
                          + " ON CONFLICT(id) DO UPDATE SET n = n + 1")) {
                ps.setInt(1, 1);
                ps.setString(2, "x");
                r.note("upsert", ps.executeUpdate());
                ps.setNull(1, Types.INTEGER);
                ps.setString(2, "y");
                r.note("upsert new", ps.executeUpdate());
              }
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name, n) SELECT name || ?, n FROM t")) {
                ps.setString(1, "!");
                r.note("insert select", ps.executeUpdate());
              }
              try (PreparedStatement ps = r.conn.prepareStatement("INSERT INTO t DEFAULT VALUES")) {
                r.note("default values", ps.executeUpdate());
              }
              r.query("SELECT name, n FROM t ORDER BY name");
            })
        .add(
            "prepared with a null key parameter",
            r -> {
              r.setup(StatementScenarios.T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, ?)")) {
                ps.setNull(1, Types.INTEGER);
                ps.setString(2, "a");
                r.note("insert", ps.executeUpdate());
                ps.setInt(1, 3);
                ps.setString(2, "b");
                r.note("insert", ps.executeUpdate());
              }
              r.query("SELECT name, id = 3 FROM t ORDER BY name");
            })
        .add(
            "prepared errors",
            r -> {
              r.setup(StatementScenarios.T);
              r.fails("syntax", () -> r.conn.prepareStatement("INSRT INTO t VALUES (?)"));
              r.fails("no table", () -> r.conn.prepareStatement("INSERT INTO nope VALUES (?)"));
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
                r.fails("index too high", () -> ps.setInt(2, 1));
                r.fails("index zero", () -> ps.setInt(0, 1));
                r.fails("unbound", () -> r.note("unbound insert", ps.executeUpdate()));
                ps.setString(1, "z");
                ps.clearParameters();
                r.fails("cleared", () -> r.note("cleared insert", ps.executeUpdate()));
              }
              r.query("SELECT name IS NULL FROM t");
            })
        .add(
            "prepared update counts and a closed statement",
            r -> {
              r.setup(StatementScenarios.T, "INSERT INTO t(name, n) VALUES ('a', 1), ('b', 1)");
              PreparedStatement ps = r.conn.prepareStatement("UPDATE t SET n = n + ? WHERE n = ?");
              ps.setInt(1, 1);
              ps.setInt(2, 1);
              r.note("update", ps.executeUpdate());
              r.note("again", ps.executeUpdate());
              r.note("large", ps.executeLargeUpdate());
              ps.close();
              r.fails("closed", ps::executeUpdate);
            })
        .add(
            "query timeout and max rows",
            r -> {
              r.setup(StatementScenarios.T, "INSERT INTO t(name) VALUES ('a'), ('b'), ('c')");
              try (PreparedStatement ps =
                  r.conn.prepareStatement("SELECT name FROM t ORDER BY 1")) {
                ps.setQueryTimeout(3);
                ps.setMaxRows(1);
                r.note("timeout", ps.getQueryTimeout());
                try (ResultSet rs = ps.executeQuery()) {
                  r.rows(rs);
                }
              }
            })
        .list();
  }
}
