package io.chora.jdbc.seam;

import java.sql.SQLException;

/** A JDBC call that an engine runs under its own rules: a user's statement, or chora's own work. */
@FunctionalInterface
public interface SqlAction<T> {
  T run() throws SQLException;
}
