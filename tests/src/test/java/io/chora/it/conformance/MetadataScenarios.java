package io.chora.it.conformance;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.List;

/**
 * {@code DatabaseMetaData}: every list a schema browser, ORM or migration tool reads, over a schema
 * with keys of each kind, foreign keys, indexes, views, and after changes to it. chora's own tables
 * must not show.
 */
final class MetadataScenarios {
  private MetadataScenarios() {}

  static final String[] SCHEMA = {
    "CREATE TABLE author(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
        + " born DATE, rating REAL DEFAULT 2.5)",
    "CREATE TABLE book(isbn TEXT PRIMARY KEY, title VARCHAR(200) NOT NULL,"
        + " author INTEGER REFERENCES author(id) ON DELETE CASCADE, price DECIMAL(8,2))",
    "CREATE TABLE tag(book TEXT NOT NULL REFERENCES book(isbn), label TEXT NOT NULL,"
        + " PRIMARY KEY (book, label)) WITHOUT ROWID",
    "CREATE TABLE loose(a, b BLOB)",
    "CREATE INDEX book_title ON book(title)",
    "CREATE UNIQUE INDEX book_author_title ON book(author, title)",
    "CREATE VIEW cheap AS SELECT title FROM book WHERE price < 10",
    "INSERT INTO author(name) VALUES ('ann')"
  };

  @FunctionalInterface
  private interface Read {
    ResultSet from(DatabaseMetaData meta) throws Exception;
  }

  private static Scenario.Body listing(Read read) {
    return r -> {
      r.setup(SCHEMA);
      try (ResultSet rs = read.from(r.conn.getMetaData())) {
        r.rows(rs);
      }
    };
  }

  static List<Scenario> all() {
    Scenarios s = new Scenarios("metadata");
    s.add("getTables all", listing(m -> m.getTables(null, null, null, null)))
        .add("getTables pattern", listing(m -> m.getTables(null, null, "b%", null)))
        .add("getTables tables", listing(m -> m.getTables(null, null, "%", new String[] {"TABLE"})))
        .add("getTables views", listing(m -> m.getTables(null, null, "%", new String[] {"VIEW"})))
        .add(
            "getTables system",
            listing(m -> m.getTables(null, null, "%", new String[] {"SYSTEM TABLE"})))
        .add("getColumns all", listing(m -> m.getColumns(null, null, "%", "%")))
        .add("getColumns of one table", listing(m -> m.getColumns(null, null, "book", null)))
        .add("getColumns pattern", listing(m -> m.getColumns(null, null, "%", "b%")))
        .add("getPrimaryKeys rowid", listing(m -> m.getPrimaryKeys(null, null, "author")))
        .add("getPrimaryKeys text", listing(m -> m.getPrimaryKeys(null, null, "book")))
        .add("getPrimaryKeys composite", listing(m -> m.getPrimaryKeys(null, null, "tag")))
        .add("getPrimaryKeys none", listing(m -> m.getPrimaryKeys(null, null, "loose")))
        .add("getIndexInfo", listing(m -> m.getIndexInfo(null, null, "book", false, false)))
        .add("getIndexInfo unique", listing(m -> m.getIndexInfo(null, null, "author", true, false)))
        .add(
            "getIndexInfo without rowid",
            listing(m -> m.getIndexInfo(null, null, "tag", false, false)))
        .add("getImportedKeys", listing(m -> m.getImportedKeys(null, null, "book")))
        .add("getImportedKeys composite", listing(m -> m.getImportedKeys(null, null, "tag")))
        .add("getExportedKeys", listing(m -> m.getExportedKeys(null, null, "author")))
        .add("getExportedKeys text key", listing(m -> m.getExportedKeys(null, null, "book")))
        .add(
            "getCrossReference",
            listing(m -> m.getCrossReference(null, null, "author", null, null, "book")))
        .add("getTableTypes", listing(DatabaseMetaData::getTableTypes))
        .add("getSchemas", listing(DatabaseMetaData::getSchemas))
        .add("getCatalogs", listing(DatabaseMetaData::getCatalogs))
        .add("getTypeInfo", listing(DatabaseMetaData::getTypeInfo))
        .add(
            "getBestRowIdentifier",
            listing(m -> m.getBestRowIdentifier(null, null, "book", 0, true)))
        .add("getVersionColumns", listing(m -> m.getVersionColumns(null, null, "book")))
        .add("getProcedures", listing(m -> m.getProcedures(null, null, null)))
        .add("getFunctions", listing(m -> m.getFunctions(null, null, null)))
        .add("getUDTs", listing(m -> m.getUDTs(null, null, null, null)))
        .add("getSuperTables", listing(m -> m.getSuperTables(null, null, null)))
        .add("getPseudoColumns", listing(m -> m.getPseudoColumns(null, null, null, null)))
        .add("getClientInfoProperties", listing(DatabaseMetaData::getClientInfoProperties))
        .add("getColumnPrivileges", listing(m -> m.getColumnPrivileges(null, null, "book", null)))
        .add("getTablePrivileges", listing(m -> m.getTablePrivileges(null, null, null)))
        .add(
            "properties",
            r -> {
              DatabaseMetaData m = r.conn.getMetaData();
              r.note("product", m.getDatabaseProductName() + " " + m.getDatabaseProductVersion());
              r.note("driver", m.getDriverName() + " " + m.getDriverVersion());
              r.note(
                  "driver major/minor",
                  m.getDriverMajorVersion() + "." + m.getDriverMinorVersion());
              r.note("jdbc", m.getJDBCMajorVersion() + "." + m.getJDBCMinorVersion());
              r.note("url", m.getURL());
              r.note("user", m.getUserName());
              r.note("quote", m.getIdentifierQuoteString());
              r.note("keywords", m.getSQLKeywords());
              r.note("read only", m.isReadOnly());
              r.note("transactions", m.supportsTransactions());
              r.note("savepoints", m.supportsSavepoints());
              r.note("batch", m.supportsBatchUpdates());
              r.note("generated keys", m.supportsGetGeneratedKeys());
              r.note("isolation", m.getDefaultTransactionIsolation());
              r.note("connection is the app's", m.getConnection() == r.conn);
            })
        .add(
            "metadata follows schema changes",
            r -> {
              r.setup(SCHEMA);
              r.setup(
                  "ALTER TABLE author ADD COLUMN email TEXT",
                  "DROP VIEW cheap",
                  "DROP INDEX book_title",
                  "CREATE TABLE extra(id INTEGER PRIMARY KEY, author INTEGER REFERENCES author(id))");
              DatabaseMetaData m = r.conn.getMetaData();
              try (ResultSet rs = m.getTables(null, null, null, null)) {
                r.rows(rs);
              }
              try (ResultSet rs = m.getColumns(null, null, "author", null)) {
                r.rows(rs);
              }
              try (ResultSet rs = m.getExportedKeys(null, null, "author")) {
                r.rows(rs);
              }
            })
        .add(
            "metadata of an empty database",
            r -> {
              DatabaseMetaData m = r.conn.getMetaData();
              try (ResultSet rs = m.getTables(null, null, null, null)) {
                r.rows(rs);
              }
              try (ResultSet rs = m.getColumns(null, null, null, null)) {
                r.rows(rs);
              }
            })
        .add(
            "metadata result set identity",
            r -> {
              r.setup(SCHEMA);
              try (ResultSet rs = r.conn.getMetaData().getTables(null, null, "%", null)) {
                r.note("type", rs.getType() + " " + rs.getConcurrency());
                r.note("columns", rs.getMetaData().getColumnCount());
                r.note("first", rs.next());
                r.note("find TABLE_NAME", rs.findColumn("TABLE_NAME"));
                r.note("closed", rs.isClosed());
              }
            })
        .add(
            "result set metadata of a query",
            r -> {
              r.setup(SCHEMA);
              try (var st = r.conn.createStatement();
                  ResultSet rs =
                      st.executeQuery(
                          "SELECT a.id, a.name, b.title, b.price, 1 + 1 AS two FROM author a LEFT JOIN book b ON b.author = a.id")) {
                var m = rs.getMetaData();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                  r.note(
                      "column " + i,
                      m.getColumnName(i)
                          + " "
                          + m.getColumnLabel(i)
                          + " "
                          + m.getTableName(i)
                          + " "
                          + m.getColumnTypeName(i)
                          + " "
                          + m.getColumnType(i)
                          + " "
                          + m.getColumnClassName(i)
                          + " "
                          + m.isNullable(i)
                          + " "
                          + m.isAutoIncrement(i)
                          + " "
                          + m.getPrecision(i)
                          + " "
                          + m.getScale(i));
                }
              }
            });
    return s.list();
  }
}
