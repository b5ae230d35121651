package io.chora.jdbc.log;

/** The {@code op} codes of {@code chora_log} rows. */
final class LogOp {
  /** A commit marker: the rows since the previous marker are transaction (site, seq). */
  static final int COMMIT = 0;

  static final int INSERT = 1;
  static final int UPDATE = 2;
  static final int DELETE = 3;

  /**
   * Written before an insert or update for each row that holds one of the new UNIQUE values: if the
   * statement used REPLACE, SQLite deleted that row without firing delete triggers. Whether it
   * really went is decided when changes are read (the row is gone, or it is not).
   */
  static final int MAYBE_REPLACED = 4;

  private LogOp() {}
}
