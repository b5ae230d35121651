package io.chora.jdbc.crsqlite;

import java.sql.SQLException;

/** A JDBC call to run inside native mode's handling: a statement, or chora's own work. */
@FunctionalInterface
interface SqlCall<T> {
  T run() throws SQLException;
}
