package io.chora.jdbc.log;

import static io.chora.jdbc.log.UntrustedChangeSetTest.edit;
import static io.chora.jdbc.log.UntrustedChangeSetTest.wire;
import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.shared.WallClock;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.Hlc;
import io.chora.sync.Limits;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bounds of {@link Limits} on what a set from the network carries: each value past one is
 * refused naming its field, with the receiver's file unchanged; the HLC and causal-length cases
 * then go on syncing with a third replica and converge.
 */
class UntrustedBoundsTest {
  private static final String SEQ_2 = "\"site\":\"a\",\"seq\":2";
  private static final String BEYOND_SEQ = String.valueOf(Limits.MAX_SEQ + 1);

  @TempDir Path dir;
  UntrustedChangeSetTest.Replicas replicas;

  @BeforeEach
  void open() throws Exception {
    replicas = new UntrustedChangeSetTest.Replicas(dir);
  }

  @AfterEach
  void close() throws SQLException {
    replicas.close();
  }

  static Stream<Arguments> beyondBounds() {
    long twoHoursAhead = Hlc.fromMillis(System.currentTimeMillis() + 2 * 3_600_000L);
    return Stream.of(
        bad("hlc 2^63-1", j -> hlc(j, Long.MAX_VALUE), "hlc 9223372036854775807"),
        bad("hlc two hours ahead", j -> hlc(j, twoHoursAhead), "minutes ahead of this replica"),
        bad("cl 2^63-1", j -> insertCl(j, Long.MAX_VALUE), "cl 9223372036854775807"),
        bad("cl past the bound", j -> insertCl(j, Limits.CAUSAL_LENGTH_SLACK + 5), "maximum"),
        bad(
            "seq past the maximum",
            j -> edit(j, SEQ_2, "\"site\":\"a\",\"seq\":" + BEYOND_SEQ),
            "seq is beyond"),
        bad(
            "header clock value past the maximum",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{\"a\":6,\"z\":" + BEYOND_SEQ + "}"),
            "the sender's clock value for 'z' is beyond"),
        bad(
            "deps value past the maximum",
            j -> edit(j, "\"deps\":{\"a\":1}", "\"deps\":{\"a\":1,\"z\":" + BEYOND_SEQ + "}"),
            "deps value for 'z' is beyond"),
        bad(
            "clock with too many entries",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{\"a\":6" + entries(10_000) + "}"),
            "more than 10000 entries"),
        bad(
            "header site twice",
            j -> edit(j, "\"site\":\"a\",\"clock\"", "\"site\":\"b\",\"site\":\"a\",\"clock\""),
            "Duplicate field 'site'"),
        bad(
            "header clock twice",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{},\"clock\":{\"a\":6}"),
            "Duplicate field 'clock'"),
        bad(
            "clock entry twice",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{\"a\":1,\"a\":6}"),
            "Duplicate field 'a'"),
        bad("seq twice", j -> edit(j, SEQ_2, SEQ_2 + ",\"seq\":2"), "Duplicate field 'seq'"),
        bad(
            "kind twice, delete then insert",
            j -> edit(j, "\"kind\":\"insert\"", "\"kind\":\"delete\",\"kind\":\"insert\""),
            "Duplicate field 'kind'"),
        bad(
            "table twice",
            j -> edit(j, "\"table\":\"note\"", "\"table\":\"pair\",\"table\":\"note\""),
            "Duplicate field 'table'"),
        bad(
            "key twice",
            j -> edit(j, "\"key\":[2]", "\"key\":[3],\"key\":[2]"),
            "Duplicate field 'key'"),
        bad(
            "changes twice",
            j -> edit(j, "\"changes\":[", "\"changes\":[],\"changes\":["),
            "Duplicate field 'changes'"),
        bad("real 1e400", j -> edit(j, "\"r\":1.5", "\"r\":1e400"), "range: 1e400"),
        bad("real -1e400", j -> edit(j, "\"r\":1.5", "\"r\":-1e400"), "range: -1e400"),
        bad("real 1e-400", j -> edit(j, "\"r\":1.5", "\"r\":1e-400"), "range: 1e-400"),
        bad(
            "NaN into a column without a type",
            j -> edit(j, "\"n\":2}", "\"n\":{\"real\":\"NaN\"}}"),
            "value of note.n is NaN"),
        bad(
            "sender site with NUL",
            j -> edit(j, "\"site\":\"a\",\"clock\"", "\"site\":\"a\\u0000\",\"clock\""),
            "sender site id"),
        bad(
            "clock site with a control character",
            j -> edit(j, "\"clock\":{\"a\":6}", "\"clock\":{\"a\":6,\"\\u0007\":1}"),
            "clock site id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondBounds")
  void aWireSetBeyondABoundIsRefusedAndChangesNothing(
      String name, UnaryOperator<String> mutation, String problem) throws Exception {
    String bad = mutation.apply(replicas.json);
    replicas.assertRefused(name, () -> replicas.receiver().apply(wire(bad)), problem);
  }

  @ParameterizedTest(name = "hlc: {0}")
  @ValueSource(booleans = {true, false})
  void theSameBoundsHoldForSetsHandedOverAsObjects(boolean hlc) throws Exception {
    String json = replicas.json;
    ChangeSet set =
        ChangeSet.fromJson(hlc ? hlc(json, Long.MAX_VALUE) : insertCl(json, 1L << 41 | 1));
    replicas.assertRefused("object", () -> replicas.receiver().apply(set), "transaction a:2");
  }

  @Test
  void anHlcFarAheadCannotPinTheReceiversClockAndReplicasConverge() throws Exception {
    try (Connection c = third()) {
      String pinning = hlc(replicas.json, Long.MAX_VALUE);
      replicas.assertRefused("pin", () -> replicas.receiver().apply(wire(pinning)), "hlc");
      // the valid set is in b now; an HLC within the tolerance is taken by c ...
      long near = Hlc.fromMillis(WallClock.millis() + Limits.MAX_HLC_AHEAD.toMillis() / 2);
      Db.of(c).apply(ChangeSet.fromJson(hlc(replicas.json, near)));
      exec(c, "UPDATE note SET title = 'c wrote' WHERE id = 2");
      exec(replicas.b, "UPDATE note SET title = 'b wrote' WHERE id = 2");
      // ... and the receiver's own HLC never runs past the tolerance
      assertThat(maxHlc(c))
          .isGreaterThan(near)
          .isLessThanOrEqualTo(Limits.maxHlc(WallClock.millis()));
      assertThat(maxHlc(replicas.b)).isLessThan(near);
      assertConverge(c, "c wrote");
    }
  }

  @Test
  void aCausalLengthAtTheBoundStillLetsAReceiverDeleteAndConverge() throws Exception {
    try (Connection c = third()) {
      String huge = insertCl(replicas.json, Long.MAX_VALUE);
      replicas.assertRefused("cl max", () -> replicas.receiver().apply(wire(huge)), "cl");
      // a:2 knows a:1 and itself: its changes may reach 2^32 + 4; the odd length below is taken
      long atBound = Limits.CAUSAL_LENGTH_SLACK + 3;
      Db.of(c).apply(wire(insertCl(replicas.json, atBound)));
      exec(c, "DELETE FROM note WHERE id = 2");
      assertThat(Db.of(c).changesSince(new VectorClock()).transactions()).isNotEmpty();
      assertConverge(c, null);
    }
  }

  /** A third replica, on the same schema, holding what b holds before the valid set: a:1, b:1. */
  private Connection third() throws SQLException {
    Connection c = Db.chora(dir, "c.db", "chora.site=c&chora.tables=note,typed,pair");
    exec(c, UntrustedChangeSetTest.Replicas.SCHEMA);
    Db.of(c).apply(replicas.receiver().changesSince(Db.of(c).clock()));
    return c;
  }

  /** Syncs a, b and c all ways and checks they end equal, note 2's title {@code title}. */
  private void assertConverge(Connection c, String title) throws SQLException {
    Connection[] all = {replicas.a, replicas.b, c};
    for (int round = 0; round < 2; round++) {
      for (Connection x : all) {
        for (Connection y : all) {
          if (x != y) {
            Db.of(x).syncWith(Db.of(y));
          }
        }
      }
    }
    for (Connection x : all) {
      assertThat(Db.of(x).clock()).isEqualTo(Db.of(c).clock());
      assertThat(Db.typedRows(x, "note")).isEqualTo(Db.typedRows(c, "note"));
    }
    List<String> note2 = Db.rows(c, "SELECT title FROM note WHERE id = 2");
    assertThat(note2).isEqualTo(title == null ? List.of() : List.of(title));
  }

  private static long maxHlc(Connection conn) throws SQLException {
    return Db.of(conn).changesSince(new VectorClock()).transactions().stream()
        .mapToLong(Transaction::hlc)
        .max()
        .orElse(0);
  }

  /** The set with a:2's HLC set to {@code hlc}. */
  private static String hlc(String json, long hlc) {
    return json.replaceFirst("\"hlc\":\\d+", "\"hlc\":" + hlc);
  }

  /** The set with a:2's insert of note 2 given causal length {@code cl}. */
  private static String insertCl(String json, long cl) {
    return edit(json, "\"insert\",\"cl\":1", "\"insert\",\"cl\":" + cl);
  }

  private static String entries(int n) {
    StringBuilder more = new StringBuilder();
    for (int i = 0; i < n; i++) {
      more.append(",\"s").append(i).append("\":1");
    }
    return more.toString();
  }

  private static Arguments bad(String name, UnaryOperator<String> mutation, String problem) {
    return Arguments.of(name, mutation, problem);
  }
}
