package io.chora.it.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Every transaction the workloads committed to {@code item} or {@code tag}, as its replica told it
 * with {@code changesSince} right after the commit, for the {@link Model}.
 */
final class Recorder {
  private final Trial trial;
  final List<Transaction> committed = new ArrayList<>();

  /** Per replica, its clock after its last unit of work if nothing has changed it since. */
  private final VectorClock[] known;

  Recorder(Trial trial) {
    this.trial = trial;
    this.known = new VectorClock[trial.n];
  }

  /** The network may have changed any clock. */
  void forgetClocks() {
    Arrays.fill(known, null);
  }

  /**
   * Runs a {@link Workload#work unit of work} and, if it wrote to a table the model checks, records
   * the transaction it committed, if any (a write may be refused, a transaction rolled back), with
   * {@code changesSince} from the clock before: right after the commit, so the values are those it
   * wrote. Local transactions that {@code apply} commits (constraint removals) are not the
   * workloads' and are left out.
   */
  void unit(int r, int size) throws SQLException {
    String site = "r" + r;
    Replicas replicas = trial.replicas;
    VectorClock before = known[r] != null ? known[r] : replicas.clock(r);
    known[r] = null;
    trial.workload.modeledWrite = false;
    trial.workload.work(r, size);
    if (!trial.workload.modeledWrite) {
      return;
    }
    known[r] = replicas.clock(r);
    long from = before.get(site);
    long to = known[r].get(site);
    if (to > from) { // the clock tells more cheaply than a change set when nothing committed
      List<Transaction> transactions = replicas.chora(r).changesSince(before).transactions();
      assertThat(transactions.stream().map(t -> t.dot().toString()).toList())
          .as(trial.ctx("transactions a unit of work committed on r" + r))
          .isEqualTo(
              LongStream.rangeClosed(from + 1, to).mapToObj(seq -> site + ":" + seq).toList());
      committed.addAll(transactions);
    }
  }
}
