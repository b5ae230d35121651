package io.chora.jdbc;

import java.sql.SQLException;

/** A JDBC call to run under capture's transaction rules. */
@FunctionalInterface
interface SqlAction<T> {
  T run() throws SQLException;
}
