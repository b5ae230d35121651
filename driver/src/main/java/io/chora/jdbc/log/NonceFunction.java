package io.chora.jdbc.log;

import io.chora.jdbc.shared.Nonces;
import java.sql.SQLException;
import org.sqlite.Function;

/** {@code chora_nonce()}, which the commit marker's trigger calls: {@link Nonces#next()}. */
final class NonceFunction extends Function {
  static final String NAME = "chora_nonce";

  @Override
  protected void xFunc() throws SQLException {
    result(Nonces.next());
  }
}
