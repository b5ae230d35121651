package io.chora.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input contract in both modes: a change set is untrusted input, and each malformed, forged
 * or out-of-place one is refused with an SQLException naming the problem, leaving the receiver
 * byte-for-byte as it was and still able to take the valid set ({@link ModePair}). The mutations
 * name changes by table and column, so they reach the same data in both modes' sets (java mode
 * sends a row per change, native mode a cell). Java mode's own cases (dots, dependencies, key
 * columns in values) are in {@link UntrustedChangeSetTest} and {@link
 * UntrustedChangeSetObjectsTest}.
 */
class BothModesUntrustedSetTest {
  private static final String INJECTION = "x\"; DROP TABLE note; --";

  @TempDir Path dir;

  static Stream<Arguments> badSets() {
    byte[] bigBlob = new byte[101];
    Arrays.fill(bigBlob, (byte) 7);
    return Stream.of(
            bad("chora's own table", table("note", "chora_peers"), "table 'chora_peers'"),
            bad("sqlite_schema", table("pair", "sqlite_schema"), "table 'sqlite_schema'"),
            bad("key with too many parts", key("note", "title", 2L, 3L), "has 2 part(s)"),
            bad("key with too few parts", key("pair", "v", "k"), "has 1 part(s)"),
            bad("NULL key", key("note", "title", (Object) null), "NULL for id").alsoAsJson(),
            bad("NULL key part", key("pair", "v", "k", null), "NULL for y"),
            bad("STRICT INTEGER gets TEXT", value("typed", "i", "42"), "i is INTEGER").alsoAsJson(),
            bad("STRICT INTEGER gets REAL", value("typed", "i", 42.5), "i is INTEGER"),
            bad("STRICT TEXT gets INTEGER", value("typed", "t", 7L), "t is TEXT"),
            bad("STRICT BLOB gets TEXT", value("typed", "b", "00ff"), "b is BLOB"),
            bad("STRICT REAL gets BLOB", value("typed", "r", new byte[8]), "r is REAL"),
            bad("oversized TEXT", value("note", "title", "x".repeat(101)), "maxValueBytes=100"),
            bad("oversized UTF-8 TEXT", value("note", "title", "€".repeat(34)), "maxValueBytes"),
            bad("oversized BLOB", value("typed", "b", bigBlob), "typed.b is larger than")
                .alsoAsJson(),
            bad("a value breaks a CHECK", value("note", "title", "forbidden"), "CHECK constraint")
                .alsoAsJson(),
            bad("cut short", s -> prefix(s, 2), "stops short of the sender's clock").alsoAsJson(),
            bad("NaN", value("note", "n", Double.NaN), "value of note.n is NaN").alsoAsJson(),
            bad("cl 2^63-1", cl("note", "title", Long.MAX_VALUE), "cl 9223372036854775807")
                .alsoAsJson(),
            bad("cl past its bound", cl("note", "title", (1L << 32) + 99), "maximum").alsoAsJson(),
            bad("hlc 2^63-1", s -> hlc(s, Long.MAX_VALUE), "hlc 9223372036854775807").alsoAsJson())
        .flatMap(Case::arguments);
  }

  /** A bad set, applied as objects, and also as JSON when {@link #alsoAsJson} says so. */
  private record Case(
      String name, UnaryOperator<ChangeSet> mutation, String problem, boolean json) {
    Case alsoAsJson() {
      return new Case(name, mutation, problem, true);
    }

    Stream<Arguments> arguments() {
      return Stream.of(SyncMode.values())
          .flatMap(
              mode ->
                  Stream.of(false, true)
                      .filter(asJson -> !asJson || json)
                      .map(asJson -> Arguments.of(mode, name, asJson, mutation, problem)));
    }
  }

  @ParameterizedTest(name = "{0}: {1}, as JSON: {2}")
  @MethodSource("badSets")
  void aBadSetIsRefusedAndChangesNothing(
      SyncMode mode, String name, boolean asJson, UnaryOperator<ChangeSet> mutation, String problem)
      throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      ChangeSet bad = mutation.apply(pair.valid);
      assertThat(bad.toJson()).as("the mutation changed the set").isNotEqualTo(pair.valid.toJson());
      pair.assertRefused(
          name,
          () -> asJson ? pair.receiver().apply(wire(bad.toJson())) : pair.receiver().apply(bad),
          problem);
    }
  }

  /**
   * Sets that write a table or column the receiver lacks, as a replica on a newer schema sends.
   * Java mode takes them and keeps what it lacks aside (docs/schema-changes.md); native mode
   * refuses them by name, as cr-sqlite has no place for them (docs/native-mode.md).
   */
  static Stream<Arguments> setsWritingWhatTheReceiverLacks() {
    return Stream.of(
            bad("unknown table", table("note", "nowhere"), "unknown or untracked table 'nowhere'")
                .alsoAsJson(),
            bad("untracked table", table("note", "local_only"), "table 'local_only'"),
            bad("table name crafted as SQL injection", table("note", INJECTION), INJECTION),
            bad("unknown column", rename("note", "n", "subtitle"), "no column 'subtitle'")
                .alsoAsJson(),
            bad(
                "column name crafted as SQL injection",
                rename("note", "n", INJECTION),
                "no column '" + INJECTION + "'"))
        .flatMap(Case::arguments);
  }

  @ParameterizedTest(name = "{0}: {1}, as JSON: {2}")
  @MethodSource("setsWritingWhatTheReceiverLacks")
  void aSetWritingWhatTheReceiverLacksIsKeptAsideInJavaModeAndRefusedInNativeMode(
      SyncMode mode, String name, boolean asJson, UnaryOperator<ChangeSet> mutation, String problem)
      throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      ChangeSet newer = mutation.apply(pair.valid);
      ModePair.Apply apply =
          () -> asJson ? pair.receiver().apply(wire(newer.toJson())) : pair.receiver().apply(newer);
      if (mode == SyncMode.CRSQLITE) {
        pair.assertRefused(name, apply, problem);
        return;
      }
      apply.run();
      assertThat(pair.sender().clock().isCoveredBy(pair.receiver().clock())).as(name).isTrue();
      assertThat(pair.receiver().heldAside()).as(name).isNotEmpty();
    }
  }

  static Stream<Arguments> badWire() {
    return Stream.of(
        badJson("not JSON at all", j -> "please apply my changes", "'please' is not a JSON value"),
        badJson("empty input", j -> "", "found end of input"),
        badJson("truncated halfway", j -> j.substring(0, j.length() / 2), "cut short at line 1"),
        badJson("trailing content", j -> j + "{}", "trailing content after the change set"),
        badJson(
            "unknown format version", j -> edit(j, "\"version\":3", "\"version\":4"), "version 4"),
        badJson(
            "wrong format name",
            j -> edit(j, "\"chora.changeset\"", "\"chora.snapshot\""),
            "not a chora change set (format is chora.snapshot)"),
        badJson(
            "unknown header field",
            j -> edit(j, "\"version\":3,", "\"version\":3,\"zip\":\"no\","),
            "unknown field 'zip'"),
        badJson(
            "integer beyond 64 bits",
            j -> edit(j, "\"n\":2", "\"n\":18446744073709551616"),
            "64-bit range"),
        badJson("blob not base64", j -> edit(j, "\"AP8=\"", "\"not base64!\""), "not valid base64"),
        badJson(
            "unknown value type",
            j -> edit(j, "{\"blob\":\"AP8=\"}", "{\"date\":\"2024-01-01\"}"),
            "unknown value type 'date'"),
        badJson(
            "header site twice",
            j -> edit(j, "\"site\":", "\"site\":\"x\",\"site\":"),
            "Duplicate field 'site'"),
        badJson(
            "kind twice",
            j -> edit(j, "\"kind\":", "\"kind\":\"delete\",\"kind\":"),
            "Duplicate field 'kind'"),
        badJson(
            "table twice",
            j -> edit(j, "\"table\":", "\"table\":\"pair\",\"table\":"),
            "Duplicate field 'table'"),
        badJson(
            "clock entry twice",
            j -> edit(j, "\"clock\":{", "\"clock\":{\"z\":1,\"z\":1,"),
            "Duplicate field 'z'"),
        badJson(
            "clock with too many entries",
            j -> edit(j, "\"clock\":{", "\"clock\":{" + entries(10_001)),
            "more than 10000 entries"),
        badJson("real 1e400", j -> edit(j, "\"n\":2", "\"n\":1e400"), "range: 1e400"),
        badJson("real -1e400", j -> edit(j, "\"n\":2", "\"n\":-1e400"), "range: -1e400"),
        badJson("real 1e-400", j -> edit(j, "\"n\":2", "\"n\":1e-400"), "range: 1e-400"));
  }

  private static String entries(int n) {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < n; i++) {
      entries.append("\"s").append(i).append("\":1,");
    }
    return entries.toString();
  }

  static Stream<Arguments> badWireInBothModes() {
    return badWire()
        .flatMap(
            a ->
                Stream.of(SyncMode.values())
                    .map(m -> Arguments.of(m, a.get()[0], a.get()[1], a.get()[2])));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badWireInBothModes")
  void badWireBytesAreRefusedAndChangeNothing(
      SyncMode mode, String name, UnaryOperator<String> mutation, String problem) throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      String json = pair.valid.toJson();
      String bad = mutation.apply(json);
      assertThat(bad).as("the mutation changed the set").isNotEqualTo(json);
      pair.assertRefused(name, () -> pair.receiver().apply(wire(bad)), problem);
    }
  }

  /** A set made for what the sender believes b holds after a set b never got. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aSetPastWhatTheReceiverHoldsIsRefused(SyncMode mode) throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      VectorClock believed = pair.receiver().clock().merge(pair.valid.clock());
      Db.exec(pair.a, "INSERT INTO note VALUES (3, 'third', 3)");
      ChangeSet next = pair.sender().changesSince(believed);
      pair.assertRefused("ahead", () -> pair.receiver().apply(next), mode.aheadRefusal());
    }
  }

  // ---- mutations, by the change that writes a table's column -------------------------------

  private static Case bad(String name, UnaryOperator<ChangeSet> mutation, String problem) {
    return new Case(name, mutation, problem, false);
  }

  private static Arguments badJson(String name, UnaryOperator<String> mutation, String problem) {
    return Arguments.of(name, mutation, problem);
  }

  /** The set with the first change of {@code table} that writes {@code column} replaced. */
  private static UnaryOperator<ChangeSet> writing(
      String table, String column, UnaryOperator<Change> mutation) {
    return set -> {
      List<Transaction> txs = new ArrayList<>();
      boolean done = false;
      for (Transaction t : set.transactions()) {
        List<Change> changes = new ArrayList<>();
        for (Change c : t.changes()) {
          boolean target = !done && c.table().equals(table) && c.values().containsKey(column);
          changes.add(target ? mutation.apply(c) : c);
          done |= target;
        }
        txs.add(new Transaction(t.dot(), t.hlc(), t.deps(), changes));
      }
      assertThat(done).as("a change of %s writes %s", table, column).isTrue();
      return new ChangeSet(set.site(), set.clock(), txs);
    };
  }

  private static UnaryOperator<ChangeSet> table(String table, String to) {
    String column = table.equals("pair") ? "v" : table.equals("typed") ? "i" : "title";
    return writing(
        table, column, c -> new Change(to, c.key(), c.kind(), c.causalLength(), c.values()));
  }

  private static UnaryOperator<ChangeSet> rename(String table, String column, String to) {
    return writing(
        table,
        column,
        c -> {
          Map<String, Object> values = new LinkedHashMap<>();
          c.values().forEach((k, v) -> values.put(k.equals(column) ? to : k, v));
          return new Change(table, c.key(), c.kind(), c.causalLength(), values);
        });
  }

  private static UnaryOperator<ChangeSet> key(String table, String column, Object... key) {
    return writing(
        table,
        column,
        c -> new Change(table, Arrays.asList(key), c.kind(), c.causalLength(), c.values()));
  }

  private static UnaryOperator<ChangeSet> value(String table, String column, Object value) {
    return writing(
        table,
        column,
        c -> {
          Map<String, Object> values = new LinkedHashMap<>(c.values());
          values.put(column, value);
          return new Change(table, c.key(), c.kind(), c.causalLength(), values);
        });
  }

  private static UnaryOperator<ChangeSet> cl(String table, String column, long cl) {
    return writing(table, column, c -> new Change(table, c.key(), c.kind(), cl, c.values()));
  }

  /** The set with its first transaction's HLC set to {@code hlc}. */
  private static ChangeSet hlc(ChangeSet set, long hlc) {
    List<Transaction> txs = new ArrayList<>(set.transactions());
    Transaction t = txs.get(0);
    txs.set(0, new Transaction(t.dot(), hlc, t.deps(), t.changes(), t.nonce()));
    return new ChangeSet(set.site(), set.clock(), txs, set.heads());
  }

  private static ChangeSet prefix(ChangeSet set, int transactions) {
    return new ChangeSet(set.site(), set.clock(), set.transactions().subList(0, transactions));
  }

  private static String edit(String json, String from, String to) {
    int at = json.indexOf(from);
    assertThat(at).as("mutation target %s in %s", from, json).isNotNegative();
    return json.substring(0, at) + to + json.substring(at + from.length());
  }

  private static ByteArrayInputStream wire(String json) {
    return new ByteArrayInputStream(json.getBytes(UTF_8));
  }
}
