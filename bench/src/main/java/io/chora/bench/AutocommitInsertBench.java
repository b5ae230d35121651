package io.chora.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One single-row INSERT per operation in autocommit mode, through a reused PreparedStatement, in
 * each {@code mode}: one commit per row, so this is where per-transaction costs show.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AutocommitInsertBench extends ModeBench {
  private PreparedStatement insert;
  private PreparedStatement insertGenerated;
  private long nextId;

  @Override
  void prepare() throws SQLException {
    insert = db.prepare(BenchDb.INSERT_ITEM);
    insertGenerated = db.prepare(BenchDb.INSERT_ITEM_GENERATED);
    nextId = 1;
  }

  @Benchmark
  public int autocommitInsert() throws SQLException {
    BenchDb.bindItem(insert, nextId++);
    return insert.executeUpdate();
  }

  /** The same rows with keys left to SQLite: in java mode, to the replica's key block. */
  @Benchmark
  public int autocommitInsertGeneratedKeys() throws SQLException {
    BenchDb.bindGeneratedItem(insertGenerated, nextId++);
    return insertGenerated.executeUpdate();
  }
}
