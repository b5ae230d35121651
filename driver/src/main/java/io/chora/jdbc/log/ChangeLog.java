package io.chora.jdbc.log;

import io.chora.jdbc.shared.Refusals;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetWriter;
import io.chora.sync.Dot;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the change log: the replica's clock and the committed transactions a peer lacks. The log
 * holds local transactions (closed by local commit markers) and applied remote ones (closed by
 * markers carrying their origin dot and dependencies), in the order this replica committed them, so
 * a change set carries other sites' transactions on too.
 */
final class ChangeLog {
  private final Connection conn;
  private final String site;
  private final boolean setBased;

  ChangeLog(Connection conn, String site) {
    this(conn, site, true);
  }

  /**
   * {@code setBased}: read a transaction's rows in one statement per table ({@link SentRows});
   * false reads each row by its own look-ups, the reference the tests compare that with.
   */
  ChangeLog(Connection conn, String site, boolean setBased) {
    this.conn = conn;
    this.site = site;
    this.setBased = setBased;
  }

  /** The highest committed seq per site: the latest local marker, and the remote heads. */
  VectorClock clock() throws SQLException {
    VectorClock clock = remoteClock();
    long local = localSeq();
    return local == 0 ? clock : clock.with(site, local);
  }

  /** The local head's seq and HLC: {@code [seq, hlc]}, zeros before the first local commit. */
  long[] localHead() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(CaptureSchema.LAST_LOCAL_MARKER)) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[2];
      }
    }
  }

  long localSeq() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(CaptureSchema.LAST_LOCAL_MARKER)) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  VectorClock remoteClock() throws SQLException {
    VectorClock clock = new VectorClock();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT site, seq FROM chora_clock")) {
      while (rs.next()) {
        clock = clock.with(rs.getString(1), rs.getLong(2));
      }
    }
    return clock;
  }

  /**
   * The committed transactions that {@code peer} does not cover, in commit order, with each row's
   * current values. A cell written again by a later transaction in the same set is sent once, with
   * the later one. First folds new local writes into the merge state, which the causal lengths come
   * from: call inside a write transaction.
   */
  ChangeSet changesSince(VectorClock peer, Map<Long, TableInfo> tables, boolean withHeads)
      throws SQLException {
    List<Transaction> txs = new ArrayList<>();
    try {
      VectorClock clock = stream(peer, tables, c -> {}, txs::add);
      return new ChangeSet(
          site, clock, txs, withHeads ? ForkCheck.heads(conn, clock, peer) : Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a list takes no I/O
    }
  }

  /**
   * {@link #changesSince} written to {@code out} in the wire format while the log is read; returns
   * the number of transactions written.
   */
  int writeChangesSince(VectorClock peer, Map<Long, TableInfo> tables, OutputStream out)
      throws SQLException {
    ChangeSetWriter[] writer = new ChangeSetWriter[1];
    int[] written = new int[1];
    try {
      stream(
          peer,
          tables,
          clock ->
              writer[0] = new ChangeSetWriter(out, site, clock, ForkCheck.heads(conn, clock, peer)),
          tx -> {
            writer[0].write(tx);
            written[0]++;
          });
      writer[0].close();
      return written[0];
    } catch (IOException e) {
      throw Refusals.unwritable(e);
    }
  }

  /** Receives the sender's clock before any transaction of a streamed set. */
  interface ClockSink {
    void accept(VectorClock clock) throws IOException, SQLException;
  }

  /** Receives the transactions of a streamed set, one at a time, in commit order. */
  interface TransactionSink {
    void accept(Transaction tx) throws IOException;
  }

  /**
   * {@link #changesSince} one transaction at a time, holding only one transaction's log rows and
   * changes in memory; returns the clock it passed to {@code header}.
   */
  VectorClock stream(
      VectorClock peer, Map<Long, TableInfo> tables, ClockSink header, TransactionSink sink)
      throws SQLException, IOException {
    try (RowReader rows = new RowReader(conn);
        MergeState state = new MergeState(conn)) {
      state.fold(tables, rows::exists);
    }
    VectorClock clock = clock();
    header.accept(clock);
    long start = startAfter(peer, clock);
    VectorClock seen = clockAt(start);
    try (RowReader rows = new RowReader(conn);
        MergeState state = new MergeState(conn);
        LostLives lost = new LostLives(conn);
        SetAside aside = new SetAside(conn);
        SentRows sent = new SentRows(conn, tables);
        PreparedStatement ps =
            conn.prepareStatement(
                "SELECT id, tbl, op, pk, cols, site, seq, hlc, deps, nonce FROM chora_log WHERE id > ?"
                    + " ORDER BY id")) {
      ChangeAssembler assembler =
          new ChangeAssembler(
              conn,
              site,
              tables,
              rows,
              state,
              new OpenConflicts(conn),
              lost,
              aside,
              new Renames.OldNames(conn, tables),
              setBased ? sent : null);
      ps.setLong(1, start);
      Map<Long, Map.Entry<Dot, Long>> named =
          conn.isReadOnly() ? ReadOnlyReads.namedDeletes(conn) : Map.of();
      try (ResultSet rs = ps.executeQuery()) {
        List<LoggedRow> group = new ArrayList<>();
        while (rs.next()) {
          int op = rs.getInt(3);
          if (op != LogOp.COMMIT) {
            // set on rows of a life that lost its key, and on deletes the fold named
            String lifeSite = rs.getString(6);
            Dot life = lifeSite == null ? null : new Dot(lifeSite, rs.getLong(7));
            long mask = rs.getLong(5);
            Map.Entry<Dot, Long> readOnlyName = named.isEmpty() ? null : named.get(rs.getLong(1));
            if (readOnlyName != null) {
              life = readOnlyName.getKey();
              mask = readOnlyName.getValue();
            }
            group.add(new LoggedRow(rs.getLong(2), op, rs.getObject(4), mask, life, rs.getLong(1)));
            continue;
          }
          Dot dot = new Dot(rs.getString(6), rs.getLong(7));
          String deps = rs.getString(9);
          VectorClock depsOf =
              deps != null ? VectorClock.parse(deps) : seen.with(dot.site(), dot.seq() - 1);
          if (dot.seq() > peer.get(dot.site())) {
            sink.accept(
                assembler.assemble(
                    new LoggedTx(dot, rs.getLong(8), depsOf, group, rs.getLong(10))));
          }
          seen = seen.with(dot.site(), Math.max(dot.seq(), seen.get(dot.site())));
          group = new ArrayList<>();
        }
      }
    }
    return clock;
  }

  /** The log id after which the first transaction the peer lacks begins. */
  /** Row changes the log holds (commit markers and REPLACE candidates not counted). */
  long rowChanges() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM chora_log WHERE op IN ("
                    + LogOp.INSERT
                    + ", "
                    + LogOp.UPDATE
                    + ", "
                    + LogOp.DELETE
                    + ")")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long startAfter(VectorClock peer, VectorClock clock) throws SQLException {
    long start = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      long covered = peer.get(e.getKey());
      if (covered >= e.getValue()) {
        continue;
      }
      start = Math.min(start, covered == 0 ? 0 : markerId(e.getKey(), covered));
    }
    return start == Long.MAX_VALUE ? maxLogId() : start;
  }

  /** Markers are in commit order, so walking back from the end stops after the peer's delta. */
  private long markerId(String markerSite, long seq) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND seq <= ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, markerSite);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** This replica's clock as it was at log id {@code id}: the dependencies of what follows. */
  private VectorClock clockAt(long id) throws SQLException {
    VectorClock at = new VectorClock();
    if (id == 0) {
      return at;
    }
    for (String s : clock().entries().keySet()) {
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT seq FROM chora_log WHERE op = "
                  + LogOp.COMMIT
                  + " AND site = ? AND id <= ? ORDER BY id DESC LIMIT 1")) {
        ps.setString(1, s);
        ps.setLong(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            at = at.with(s, rs.getLong(1));
          }
        }
      }
    }
    return at;
  }

  private long maxLogId() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM chora_log")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One log row: table id, op, encoded key, update mask. */
  /**
   * A logged row change. {@code life} is null but on updates and deletes of a rowid-keyed row whose
   * life gave way to another life under its key ({@link LostLives#tag}): then it names that life,
   * and a delete's {@code mask} holds the causal length it gave the row.
   */
  /** One logged row; {@code id} is its place in the log. */
  record LoggedRow(long table, int op, Object key, long mask, Dot life, long id) {}

  /** The log rows of one committed transaction. */
  record LoggedTx(Dot dot, long hlc, VectorClock deps, List<LoggedRow> rows, long nonce) {}
}
