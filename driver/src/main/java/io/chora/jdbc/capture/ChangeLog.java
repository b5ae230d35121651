package io.chora.jdbc.capture;

import io.chora.sync.ChangeSet;
import io.chora.sync.Dot;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the change log: the replica's clock and the committed transactions a peer lacks. */
public final class ChangeLog {
  private final Connection conn;
  private final String site;

  public ChangeLog(Connection conn, String site) {
    this.conn = conn;
    this.site = site;
  }

  /** The highest committed seq per site, from the latest commit marker. */
  public VectorClock clock() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(CaptureSchema.LAST_LOCAL_MARKER)) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        long seq = rs.next() ? rs.getLong(2) : 0;
        return seq == 0 ? new VectorClock() : new VectorClock().with(site, seq);
      }
    }
  }

  /**
   * The committed transactions that {@code peer} does not cover, oldest first, with each row's
   * current values. A cell written again by a later transaction in the same set is sent once, with
   * the later one.
   */
  public ChangeSet changesSince(VectorClock peer, Map<Long, TableInfo> tables) throws SQLException {
    VectorClock clock = clock();
    List<LoggedTx> pending = new ArrayList<>();
    try (ChangeAssembler assembler = new ChangeAssembler(conn, tables);
        PreparedStatement ps =
            conn.prepareStatement(
                "SELECT id, tbl, op, pk, cols, site, seq, hlc FROM chora_log WHERE id > ?"
                    + " ORDER BY id")) {
      ps.setLong(1, startAfter(peer));
      try (ResultSet rs = ps.executeQuery()) {
        List<LoggedRow> group = new ArrayList<>();
        while (rs.next()) {
          int op = rs.getInt(3);
          if (op != LogOp.COMMIT) {
            group.add(new LoggedRow(rs.getLong(2), op, rs.getObject(4), rs.getLong(5)));
            continue;
          }
          Dot dot = new Dot(rs.getString(6), rs.getLong(7));
          if (dot.seq() > peer.get(dot.site())) {
            pending.add(new LoggedTx(dot, rs.getLong(8), group));
          }
          group = new ArrayList<>();
        }
      }
      return new ChangeSet(site, clock, assembler.assemble(pending));
    }
  }

  /** The log id after which the first transaction the peer lacks begins. */
  private long startAfter(VectorClock peer) throws SQLException {
    long covered = peer.get(site);
    if (covered == 0) {
      return 0;
    }
    // markers are in commit order, so walking back from the end stops after the peer's delta
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND seq <= ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, site);
      ps.setLong(2, covered);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** One log row: table id, op, encoded key, update mask. */
  record LoggedRow(long table, int op, Object key, long mask) {}

  /** The log rows of one committed transaction. */
  record LoggedTx(Dot dot, long hlc, List<LoggedRow> rows) {}
}
