package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One {@code UPDATE item SET qty = qty + 1 WHERE id = ?} per operation in autocommit mode, through
 * a reused PreparedStatement, over 1,000 rows in turn, in each {@code mode}; next to it the same
 * rows set absolutely ({@code SET qty = ?}), so that what counting costs beyond an update shows
 * (see docs/counters.md). Run it with {@code -p mode=sqlite,java,java-counters,crsqlite}: {@code
 * java-counters} declares {@code item.qty} a counter ({@code chora.counters}), so its increments
 * are captured as such.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AutocommitIncrementBench extends ModeBench {
  private static final int ROWS = 1_000;
  private PreparedStatement increment;
  private PreparedStatement absolute;
  private long next;

  @Override
  void prepare() throws SQLException {
    BenchDb.fill(db.conn, 1, ROWS, ROWS);
    increment = db.prepare("UPDATE item SET qty = qty + 1 WHERE id = ?");
    absolute = db.prepare("UPDATE item SET qty = ? WHERE id = ?");
  }

  @Benchmark
  public int autocommitIncrement() throws SQLException {
    increment.setLong(1, 1 + next++ % ROWS);
    return increment.executeUpdate();
  }

  @Benchmark
  public int autocommitAbsoluteUpdate() throws SQLException {
    absolute.setLong(1, next);
    absolute.setLong(2, 1 + next++ % ROWS);
    return absolute.executeUpdate();
  }
}
