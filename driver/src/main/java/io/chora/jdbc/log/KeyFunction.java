package io.chora.jdbc.log;

import java.sql.SQLException;
import org.sqlite.Function;

/**
 * {@code chora_key(table)}: the next generated key of a rowid table, for the INSERT forms whose
 * rows SQLite computes one by one ({@link KeyRewriter}). Not deterministic, so SQLite calls it for
 * every row, also when it computes all rows before inserting the first.
 */
final class KeyFunction extends Function {
  static final String NAME = "chora_key";

  private final GeneratedKeys keys;

  KeyFunction(GeneratedKeys keys) {
    this.keys = keys;
  }

  @Override
  protected void xFunc() throws SQLException {
    result(keys.next(value_long(0)));
  }
}
