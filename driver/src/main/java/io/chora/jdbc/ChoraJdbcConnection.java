package io.chora.jdbc;

import io.chora.jdbc.capture.CaptureSchema;
import io.chora.jdbc.capture.ChangeLog;
import io.chora.jdbc.capture.TriggerSync;
import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.sqlite.jdbc4.JDBC4Connection;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A real sqlite-jdbc connection (so {@code org.sqlite.Function.create} and the other static
 * sqlite-jdbc APIs keep working) whose statements capture changes. Reads are sqlite-jdbc's own
 * statements, untouched; writes, DDL and transaction control go through {@link CaptureSession}.
 */
final class ChoraJdbcConnection extends JDBC4Connection implements ChoraConnection {
  static final SqlClassifier CLASSIFIER = new SqlClassifier();

  private final String site;
  private final CaptureSession session;
  private Savepoint outermostSavepoint;

  ChoraJdbcConnection(ChoraOptions options) throws SQLException {
    super(options.sqliteUrl, options.sqliteAddress, options.sqliteProperties);
    String opened;
    CaptureSession setup;
    try {
      opened = open(options);
      setup = new CaptureSession(this, opened, options.tables, options.sqliteAddress);
    } catch (SQLException | RuntimeException e) {
      super.close();
      throw e;
    }
    this.site = opened;
    this.session = setup;
    org.sqlite.Function.create(this, "changes", new UserChangesFunction(setup), 0, 0);
  }

  /** Creates chora's tables and triggers, adopts unlogged writes; returns the site id. */
  private String open(ChoraOptions options) throws SQLException {
    try (Statement st = new org.sqlite.jdbc4.JDBC4Statement(this)) {
      st.execute("BEGIN IMMEDIATE");
      try {
        CaptureSchema.create(this);
        String siteId = CaptureSchema.siteId(this, options.site);
        TriggerSync.sync(this, options.tables, options.sqliteAddress);
        CaptureSchema.createMarker(this);
        try (NativeStatement mark = new NativeStatement(this, CaptureSchema.markCommit(siteId))) {
          mark.run(); // rows logged while chora was away become a local commit
        }
        st.execute("COMMIT");
        return siteId;
      } catch (SQLException | RuntimeException e) {
        st.execute("ROLLBACK");
        throw e;
      }
    }
  }

  CaptureSession session() {
    return session;
  }

  // ---- statements -------------------------------------------------------------------------

  @Override
  public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    return new ChoraStatement(this);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    checkCursor(type, concurrency, holdability);
    SqlKind kind = CLASSIFIER.classify(sql);
    if (session == null || kind == SqlKind.READ) {
      return new JDBC4PreparedStatement(this, sql); // reads run exactly as in sqlite-jdbc
    }
    return new ChoraPreparedStatement(this, sql, kind);
  }

  // ---- transactions -----------------------------------------------------------------------

  @Override
  public void close() throws SQLException {
    if (session != null && !isClosed()) {
      session.closing();
    }
    super.close();
  }

  @Override
  public void commit() throws SQLException {
    if (session != null && !getAutoCommit()) {
      session.mark();
    }
    super.commit();
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    return remember(getAutoCommit(), super.setSavepoint());
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    return remember(getAutoCommit(), super.setSavepoint(name));
  }

  /** A savepoint set in autocommit mode opened the transaction: releasing it commits. */
  private Savepoint remember(boolean openedTransaction, Savepoint savepoint) {
    if (openedTransaction) {
      outermostSavepoint = savepoint;
    }
    return savepoint;
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    if (session != null && savepoint == outermostSavepoint) {
      session.mark();
      outermostSavepoint = null;
    }
    super.releaseSavepoint(savepoint);
  }

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    if (session != null && autoCommit && !getAutoCommit()) {
      session.mark(); // switching autocommit on commits the open transaction
    }
    super.setAutoCommit(autoCommit);
  }

  // ---- ChoraConnection --------------------------------------------------------------------

  @Override
  public String siteId() {
    return site;
  }

  @Override
  public VectorClock clock() throws SQLException {
    return session.internal(() -> new ChangeLog(this, site).clock());
  }

  @Override
  public ChangeSet changesSince(VectorClock peer) throws SQLException {
    if (peer == null) {
      throw new SQLException("changesSince needs the peer's clock; pass new VectorClock() for all");
    }
    return inReadSnapshot(
        () -> new ChangeLog(this, site).changesSince(peer, TriggerSync.tracked(this)));
  }

  /** Runs several reads against one snapshot: a read transaction unless one is already open. */
  private <T> T inReadSnapshot(SqlAction<T> reads) throws SQLException {
    return session.internal(
        () -> {
          boolean own = getAutoCommit() && !session.inSqlTransaction();
          if (!own) {
            return reads.run();
          }
          getDatabase()._exec("BEGIN");
          try {
            return reads.run();
          } finally {
            getDatabase()._exec("COMMIT");
          }
        });
  }

  @Override
  public String toString() {
    return "ChoraConnection[site=" + site + ", url=" + getUrl() + "]";
  }
}
