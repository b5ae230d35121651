package io.chora.jdbc.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Which failed applies hold an envelope back (docs/quarantine.md): the envelope's own doing, which
 * trying again unchanged repeats; never this side's passing trouble, which a reconnect retries.
 */
class QuarantineTest {
  @Test
  void refusalsAndConstraintsAreTheEnvelopes() {
    assertThat(Quarantine.isTheEnvelopes(new SQLException("chora: change set refused", "22000")))
        .isTrue();
    assertThat(Quarantine.isTheEnvelopes(new SQLException("a check failed", "23000"))).isTrue();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK))).isTrue();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT))).isTrue();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_MISMATCH))).isTrue();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_TOOBIG))).isTrue();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_ERROR))).isTrue();
  }

  @Test
  void busyLockedFullOrClosedIsThisSidesAndPasses() {
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_BUSY))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_LOCKED))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_FULL))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(sqlite(SQLiteErrorCode.SQLITE_READONLY))).isFalse();
    assertThat(Quarantine.isTheEnvelopes(new SQLException("database connection closed"))).isFalse();
  }

  private static SQLException sqlite(SQLiteErrorCode code) {
    return new SQLiteException(code.message, code);
  }
}
