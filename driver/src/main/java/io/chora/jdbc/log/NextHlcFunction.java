package io.chora.jdbc.log;

import io.chora.jdbc.shared.WallClock;
import io.chora.sync.Hlc;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * {@code chora_next_hlc(last)}, which the commit marker's trigger calls for the new transaction's
 * timestamp: {@link Hlc#next} after {@code last} (the newest HLC this replica knows, local or
 * received) at the time of {@link WallClock}, so that SQL and Java make HLCs by one rule and tests
 * can set the time.
 */
final class NextHlcFunction extends Function {
  static final String NAME = "chora_next_hlc";

  @Override
  protected void xFunc() throws SQLException {
    result(Hlc.next(value_long(0), WallClock.millis()));
  }
}
