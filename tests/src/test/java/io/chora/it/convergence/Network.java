package io.chora.it.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.SyncResult;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A faulty network between the replicas: {@code syncWith} between random pairs, and change sets
 * made with {@code changesSince} for what the sender believes the receiver holds, then delivered
 * late and out of order (a set with a seq gap, or past what the receiver holds, is refused, which
 * is allowed and counted), twice (the second applies nothing), interrupted (a prefix of a set's
 * transactions: refused whole unless the rest is known to the receiver already), through the JSON
 * wire format, truncated on the wire (must be refused whole and change nothing), or lost.
 *
 * <p>Checks along the way: a duplicate applies nothing; applied plus skipped is the set's size; a
 * refused set leaves clock and rows untouched; two replicas whose clocks agree after {@code
 * syncWith} hold the same rows (those of v1 if either still runs v1), which shows a divergence
 * where it starts. No set is refused for anything but a seq gap or a cut: with {@link
 * Feature#SCHEMA_STEPS}, not for a column or table the receiver lacks.
 */
final class Network {
  /** A change set on its way from one replica to another. */
  private record Message(int from, int to, ChangeSet set) {}

  private final Trial trial;
  private final Replicas replicas;
  private final VectorClock[][] believed;
  private final List<Message> inFlight = new ArrayList<>();

  Network(Trial trial) {
    this.trial = trial;
    this.replicas = trial.replicas;
    this.believed = new VectorClock[trial.n][trial.n];
    for (VectorClock[] row : believed) {
      Arrays.fill(row, new VectorClock());
    }
  }

  /** One step: a delivery or loss of a set in flight, a {@code syncWith}, or a new set sent. */
  void step() throws SQLException {
    int kind = trial.rnd.nextInt(10);
    if (kind >= 6 && !inFlight.isEmpty()) {
      Message m = inFlight.get(trial.rnd.nextInt(inFlight.size()));
      if (kind == 9) {
        inFlight.remove(m);
        trial.stats.add("lost");
        trial.trace("lose r" + m.from() + " -> r" + m.to() + " " + dots(m.set()));
      } else {
        deliver(m);
      }
      return;
    }
    int a = trial.rnd.nextInt(trial.n);
    int b = (a + 1 + trial.rnd.nextInt(trial.n - 1)) % trial.n;
    if (kind < 3) {
      sync(a, b);
    } else {
      send(a, b);
    }
  }

  /** Before the end: delivers about half the sets still in flight, and drops the rest. */
  void settle() throws SQLException {
    for (Message m : new ArrayList<>(inFlight)) {
      if (trial.rnd.nextBoolean()) {
        deliver(m);
      }
    }
    inFlight.clear();
  }

  /** Syncs a pair; once their clocks agree, so must their rows on the version both run. */
  SyncResult sync(int a, int b) throws SQLException {
    SyncResult r = syncOnly(a, b);
    if (replicas.clock(a).equals(replicas.clock(b))) {
      boolean v2 = replicas.migrated(a) && replicas.migrated(b);
      assertThat(replicas.dump(b, v2))
          .as(trial.ctx("rows of r" + b + " vs r" + a + ", same clock after syncWith " + r))
          .containsExactlyElementsOf(replicas.dump(a, v2));
      assertThat(r.divergence()) // equal rows: the digests must agree (docs/merge-rules.md)
          .as(trial.ctx("digest of r" + b + " vs r" + a + " at one clock"))
          .isNull();
    }
    return r;
  }

  SyncResult syncOnly(int a, int b) throws SQLException {
    String what = "sync r" + a + " <-> r" + b;
    trial.trace(what);
    SyncResult r = replicas.chora(a).syncWith(replicas.chora(b));
    trial.stats.add("syncWith");
    trial.retrace(what + ": " + r);
    return r;
  }

  /** Makes a delta for what {@code from} believes {@code to} holds, sometimes asking first. */
  private void send(int from, int to) throws SQLException {
    VectorClock assumed = trial.rnd.nextInt(4) == 0 ? replicas.clock(to) : believed[from][to];
    ChangeSet set = replicas.chora(from).changesSince(assumed);
    believed[from][to] = assumed.merge(set.clock());
    inFlight.add(new Message(from, to, set));
    trial.stats.add("sets sent");
    trial.trace(
        "send #"
            + inFlight.size()
            + " r"
            + from
            + " -> r"
            + to
            + " since "
            + assumed
            + ": "
            + dots(set));
  }

  private void deliver(Message m) throws SQLException {
    ChangeSet set = m.set();
    String what = "deliver r" + m.from() + " -> r" + m.to() + " " + dots(set);
    trial.stats.add("deliveries");
    switch (trial.rnd.nextInt(7)) {
      case 0, 1 -> {
        trial.trace(what);
        apply(m.to(), set);
        if (trial.rnd.nextInt(3) > 0) {
          inFlight.remove(m);
        }
      }
      case 2 -> {
        trial.trace(what + " twice");
        trial.stats.add("duplicated");
        if (apply(m.to(), set)) {
          ApplyResult again = replicas.chora(m.to()).apply(set);
          assertThat(again.applied()).as(trial.ctx("transactions applied by a duplicate")).isZero();
        }
        inFlight.remove(m);
      }
      case 3, 4 -> {
        int k = set.transactions().isEmpty() ? 0 : trial.rnd.nextInt(set.transactions().size());
        List<Transaction> prefix = set.transactions().subList(0, k);
        trial.trace(what + " interrupted after " + k);
        trial.stats.add("interrupted");
        interrupted(m.to(), new ChangeSet(set.site(), set.clock(), prefix));
      }
      case 5 -> {
        trial.trace(what + " as JSON");
        trial.stats.add("via JSON");
        applyWire(m.to(), set.toJson().getBytes(StandardCharsets.UTF_8));
        inFlight.remove(m);
      }
      default -> truncated(m, what);
    }
  }

  /** Applies a set; one that is ahead of the receiver (seq gap) is refused and counted. */
  private boolean apply(int to, ChangeSet set) throws SQLException {
    try {
      record(set, replicas.chora(to).apply(set));
      return true;
    } catch (SQLException e) {
      return refusedAhead(e);
    }
  }

  private void applyWire(int to, byte[] json) throws SQLException {
    try {
      ApplyResult r = replicas.chora(to).apply(new ByteArrayInputStream(json));
      record(ChangeSet.fromJson(new String(json, StandardCharsets.UTF_8)), r);
    } catch (SQLException e) {
      refusedAhead(e);
    }
  }

  private void record(ChangeSet set, ApplyResult r) {
    assertThat(r.applied() + r.skipped())
        .as(trial.ctx("applied + skipped of a set of " + set.transactions().size()))
        .isEqualTo(set.transactions().size());
    trial.stats.add("applied transactions", r.applied());
    trial.stats.add("conflicts", r.conflicts());
    trial.trace(
        "  applied " + r.applied() + ", skipped " + r.skipped() + ", conflicts " + r.conflicts());
  }

  private boolean refusedAhead(SQLException e) throws SQLException {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains(trial.mode.aheadRefusal())
        || msg.contains("more than is known")
        || msg.contains("stops short")) {
      trial.stats.add("refused: ahead or cut short");
      trial.trace("  refused: " + msg);
      return false;
    }
    throw e;
  }

  /**
   * A prefix of a set: refused whole and changing nothing, unless the receiver already knows the
   * rest, and then it must end up covering the sender's clock.
   */
  private void interrupted(int to, ChangeSet prefix) throws SQLException {
    VectorClock before = replicas.clock(to);
    List<String> rows = replicas.dump(to);
    if (apply(to, prefix)) {
      assertThat(prefix.clock().isCoveredBy(replicas.clock(to)))
          .as(trial.ctx("an accepted prefix leaves the receiver covering the sender's clock"))
          .isTrue();
      return;
    }
    assertThat(replicas.clock(to)).as(trial.ctx("clock after a refused prefix")).isEqualTo(before);
    assertThat(replicas.dump(to)).as(trial.ctx("rows after a refused prefix")).isEqualTo(rows);
  }

  /** Cuts the wire bytes short: the set must be refused whole and change nothing. */
  private void truncated(Message m, String what) throws SQLException {
    byte[] json = m.set().toJson().getBytes(StandardCharsets.UTF_8);
    int end = json.length;
    while (end > 0 && Character.isWhitespace(json[end - 1])) {
      end--;
    }
    int cut = trial.rnd.nextInt(Math.max(1, end));
    trial.trace(what + " cut at byte " + cut + " of " + json.length);
    VectorClock before = replicas.clock(m.to());
    List<String> rows = replicas.dump(m.to());
    try {
      replicas.chora(m.to()).apply(new ByteArrayInputStream(Arrays.copyOf(json, cut)));
      fail(trial.ctx("a change set cut at byte " + cut + " of " + json.length + " was accepted"));
    } catch (SQLException expected) {
      trial.stats.add("truncated and refused");
    }
    assertThat(replicas.clock(m.to())).as(trial.ctx("clock after a refused set")).isEqualTo(before);
    assertThat(replicas.dump(m.to())).as(trial.ctx("rows after a refused set")).isEqualTo(rows);
  }

  /** A set's transactions as {@code site:seq(changes)}, site ids cut to six characters. */
  private static String dots(ChangeSet set) {
    return set.transactions().stream()
        .map(
            t -> {
              String site = t.dot().site();
              return site.substring(0, Math.min(6, site.length()))
                  + ":"
                  + t.dot().seq()
                  + "("
                  + t.changes().size()
                  + ")";
            })
        .collect(Collectors.joining(" ", "[", "]"));
  }
}
