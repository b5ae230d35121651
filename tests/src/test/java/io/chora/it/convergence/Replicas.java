package io.chora.it.convergence;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * The replicas r0 … r(n-1) of one {@link Trial}, and the one place that opens their connections
 * ({@link #open}). They run with {@code synchronous=OFF} and an in-memory rollback journal
 * (sqlite-jdbc options passed through the URL) to save I/O.
 */
final class Replicas implements AutoCloseable {
  /** Pass-through sqlite-jdbc options: no fsync, rollback journal in memory. */
  private static final String[] FAST = {"synchronous=OFF", "journal_mode=MEMORY"};

  private final Trial trial;
  private final Connection[] db;
  private final String[] dumps;
  private final String[] dumpsV2;

  /**
   * Opens the replicas. Most start from a copy of a file that has the tables but was never opened
   * by chora (cheaper, and the tables are adopted); some create the tables through chora, as an
   * application's migration would.
   */
  Replicas(Trial trial, Path folder, Path template) throws SQLException, IOException {
    this.trial = trial;
    this.db = new Connection[trial.n];
    this.dumps = Schema.dumps(trial.features);
    this.dumpsV2 = Schema.dumps(trial.features, true);
    try {
      for (int i = 0; i < trial.n; i++) {
        boolean copy = trial.rnd.nextInt(4) > 0;
        if (copy) {
          Files.copy(template, folder.resolve("r" + i + ".db"));
        }
        trial.trace(
            "open r"
                + i
                + (copy ? " from a copy of the tables" : ", tables created through chora"));
        db[i] = open(trial.mode, folder, "r" + i, trial.features);
        try (Statement st = db[i].createStatement()) {
          if (trial.features.contains(Feature.FOREIGN_KEYS)) {
            st.execute("PRAGMA foreign_keys=ON");
          }
          for (String sql : copy ? new String[0] : Schema.create(trial.features)) {
            st.execute(sql);
          }
        }
      }
    } catch (SQLException | IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Opens replica {@code name} ({@code name.db} in {@code folder}): every connection of a trial is
   * made here. A replay that must repeat bit for bit needs HLCs from a clock the trial controls
   * rather than the wall clock; such a clock would be handed to the driver here.
   */
  static Connection open(SyncMode mode, Path folder, String name, Set<Feature> features)
      throws SQLException {
    return features.contains(Feature.COUNTERS)
        ? mode.open(folder, name, FAST[0], FAST[1], COUNTERS)
        : mode.open(folder, name, FAST);
  }

  /** The counting column of {@link Feature#COUNTERS}. */
  static final String COUNTERS = "chora.counters=item.qty";

  /** The connections, replica r at index r. */
  Connection[] connections() {
    return db;
  }

  ChoraConnection chora(int r) throws SQLException {
    return SyncMode.chora(db[r]);
  }

  VectorClock clock(int r) throws SQLException {
    return chora(r).clock();
  }

  /** Every row of every table of replica {@code r} ({@link Schema#dump}), on its schema version. */
  List<String> dump(int r) throws SQLException {
    return dump(r, migrated(r));
  }

  /** Every row of every table of replica {@code r} on v1, or on {@code v2} (which it must run). */
  List<String> dump(int r, boolean v2) throws SQLException {
    return Schema.dump(db[r], v2 ? dumpsV2 : dumps);
  }

  /** Whether replica {@code r} runs v2 ({@link Feature#SCHEMA_STEPS}). */
  boolean migrated(int r) {
    return trial.workload != null && trial.workload.migrated(r);
  }

  boolean sameClocks() throws SQLException {
    for (int i = 1; i < db.length; i++) {
      if (!clock(i).equals(clock(0))) {
        return false;
      }
    }
    return true;
  }

  /** Every replica's clock and rows, for a failure report. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < db.length; i++) {
      try {
        sb.append("\nr").append(i).append(' ').append(clock(i)).append(": ").append(dump(i));
      } catch (SQLException | RuntimeException e) {
        sb.append("\nr").append(i).append(" (could not dump: ").append(e).append(')');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (Connection c : db) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
