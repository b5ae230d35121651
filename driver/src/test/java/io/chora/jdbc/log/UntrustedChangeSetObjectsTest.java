package io.chora.jdbc.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.sync.ApplyResult;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Dot;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link UntrustedChangeSetTest}'s contract for change sets handed over as Java objects: whatever
 * the constructors let through, {@code apply(ChangeSet)} checks against the receiver's schema and
 * clock and refuses whole, leaving the database byte-for-byte as it was.
 */
class UntrustedChangeSetObjectsTest {
  // indexes into the valid set's transactions (one change each)
  private static final int NOTE_INSERT = 0; // a:2 insert note[2] {id, title, n}
  private static final int TYPED_INSERT = 1; // a:3 insert typed[1] {id, i, t, b, r} (STRICT)
  private static final int PAIR_INSERT = 2; // a:4 insert pair['k', 7] {x, y, v}
  private static final int NOTE_UPDATE = 3; // a:5 update note[1] {title, n}
  private static final int NOTE_DELETE = 4; // a:6 delete note[9]
  private static final String INJECTION = "x\"; DROP TABLE note; --";

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

  @Test
  void theUnmutatedSetAppliesAlsoWhenRebuiltByTheMutationHelpers() throws Exception {
    ChangeSet rebuilt = change(replicas.valid, NOTE_INSERT, c -> put(c, "n", 2L));
    rebuilt = transaction(rebuilt, NOTE_DELETE, tx -> tx);
    assertThat(rebuilt.toJson()).isEqualTo(replicas.json);
    UntrustedChangeSetTest.Replicas.Snapshot before = replicas.snapshot();
    ApplyResult result = replicas.receiver().apply(rebuilt);
    assertThat(result.applied()).isEqualTo(5);
    replicas.assertReceiverHasTheValidSet();
    assertThat(replicas.snapshot().file()).isNotEqualTo(before.file());
  }

  static Stream<Arguments> badSets() {
    String tooLong = "s".repeat(65);
    byte[] bigBlob = new byte[101];
    Arrays.fill(bigBlob, (byte) 7);
    return Stream.of(
        bad("internal table chora_log", table(NOTE_INSERT, "chora_log"), "table 'chora_log'"),
        bad("internal table chora_clock", table(NOTE_UPDATE, "chora_clock"), "'chora_clock'"),
        bad("sqlite_schema", table(NOTE_DELETE, "sqlite_schema"), "table 'sqlite_schema'"),
        bad("key with too many parts", key(NOTE_INSERT, 2L, 3L), "has 2 part(s)"),
        bad("key with too few parts", key(PAIR_INSERT, "k"), "has 1 part(s)"),
        bad("NULL key", key(NOTE_DELETE, (Object) null), "NULL for id"),
        bad("NULL key part", key(PAIR_INSERT, "k", null), "NULL for y"),
        bad("STRICT INTEGER gets TEXT", value(TYPED_INSERT, "i", "42"), "i is INTEGER"),
        bad("STRICT INTEGER gets REAL", value(TYPED_INSERT, "i", 42.5), "i is INTEGER"),
        bad("STRICT TEXT gets INTEGER", value(TYPED_INSERT, "t", 7L), "t is TEXT"),
        bad("STRICT BLOB gets TEXT", value(TYPED_INSERT, "b", "00ff"), "b is BLOB"),
        bad("STRICT REAL gets TEXT", value(TYPED_INSERT, "r", "1.5"), "r is REAL"),
        bad("STRICT REAL gets BLOB", value(TYPED_INSERT, "r", new byte[8]), "r is REAL"),
        bad(
            "STRICT INTEGER key gets TEXT",
            change(TYPED_INSERT, c -> put(withKey(c, "1"), "id", "1")),
            "id is INTEGER"),
        bad(
            "text key for a rowid table",
            change(NOTE_INSERT, c -> put(withKey(c, "two"), "id", "two")),
            "datatype mismatch"),
        bad(
            "insert sets its key column to another value",
            value(NOTE_INSERT, "id", 3L),
            "sets key column id to another value than its key"),
        bad(
            "insert sets a composite key column to another value",
            value(PAIR_INSERT, "y", 8L),
            "sets key column y"),
        bad(
            "delete with values",
            change(NOTE_DELETE, c -> new Change("note", c.key(), c.kind(), 2, Map.of("n", 1L))),
            "delete"),
        bad(
            "a life its transaction cannot know",
            change(
                NOTE_DELETE,
                c ->
                    new Change(
                        "note",
                        c.key(),
                        c.kind(),
                        c.causalLength(),
                        c.values(),
                        new io.chora.sync.Dot("zz", 9))),
            "names life zz:9, which its transaction does not know"),
        bad("oversized TEXT", value(NOTE_INSERT, "title", "x".repeat(101)), "maxValueBytes=100"),
        bad("oversized UTF-8 TEXT", value(NOTE_INSERT, "title", "€".repeat(34)), "maxValueBytes"),
        bad("oversized BLOB", value(TYPED_INSERT, "b", bigBlob), "typed.b is larger than"),
        bad(
            "oversized key",
            change(PAIR_INSERT, c -> put(withKey(c, "k".repeat(101), 7L), "x", "k".repeat(101))),
            "pair.x is larger than"),
        bad(
            "forged dot of the receiver, past its clock",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, new Dot("b", 5), Map.of("a", 1L))),
            "transaction b:5 claims to come from this replica"),
        bad(
            "forged dot of the receiver, its next seq",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, new Dot("b", 2), Map.of("b", 1L))),
            "claims to come from this replica, which has only committed up to seq 1"),
        bad(
            "seq gap at the start",
            s -> without(s, NOTE_INSERT),
            "seq gap: this replica has a up to 1 but the set's next transaction is a:3"),
        bad("seq gap in the middle", s -> without(s, PAIR_INSERT), "set's next transaction is a:5"),
        bad(
            "dependency the receiver lacks",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, tx.dot(), Map.of("a", 1L, "c", 4L))),
            "depends on {a=1, c=4}"),
        bad(
            "dependency on a future commit of the receiver",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, tx.dot(), Map.of("a", 1L, "b", 3L))),
            "depends on"),
        bad(
            "sender site with a space",
            s -> new ChangeSet("a b", s.clock(), s.transactions()),
            "sender site id"),
        bad(
            "transaction site too long",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, new Dot(tooLong, 1), Map.of())),
            "transaction site id"),
        bad(
            "transaction site with a comma",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, new Dot("a,c", 1), Map.of())),
            "'a,c'"),
        bad(
            "dependency site with '='",
            s -> transaction(s, NOTE_INSERT, tx -> retag(tx, tx.dot(), Map.of("a", 1L, "c=1", 1L))),
            "deps site id"),
        bad(
            "halfway: a later transaction breaks NOT NULL",
            value(NOTE_UPDATE, "title", null),
            "NOT NULL constraint failed"));
  }

  static Stream<Arguments> setsWritingWhatTheReceiverLacks() {
    return Stream.of(
        bad("unknown table", table(NOTE_INSERT, "nowhere"), "nowhere"),
        bad("untracked table", table(NOTE_INSERT, "local_only"), "local_only"),
        bad("table without a primary key", table(NOTE_INSERT, "nokey"), "nokey"),
        bad("table name crafted as SQL injection", table(NOTE_INSERT, INJECTION), INJECTION),
        bad("column name crafted as SQL injection", value(NOTE_UPDATE, INJECTION, "x"), "note"),
        bad(
            "column name that closes the quote",
            value(NOTE_UPDATE, "title\" = 'pwned', \"n", 1L),
            "note"),
        bad("unknown column", value(NOTE_INSERT, "subtitle", "x"), "note"),
        bad(
            "a later transaction names an unknown column",
            value(NOTE_UPDATE, "subtitle", "x"),
            "note"));
  }

  /** What a newer schema writes is taken in with the rest kept aside; names never reach SQL. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("setsWritingWhatTheReceiverLacks")
  void aSetWritingWhatTheReceiverLacksIsTakenWithTheRestKeptAside(
      String name, UnaryOperator<ChangeSet> mutation, String table) throws Exception {
    ChangeSet newer = mutation.apply(replicas.valid);
    replicas.assertKeptAside(name, () -> replicas.receiver().apply(newer), table);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSets")
  void aBadSetIsRefusedAndChangesNothing(
      String name, UnaryOperator<ChangeSet> mutation, String problem) throws Exception {
    ChangeSet bad = mutation.apply(replicas.valid);
    assertThat(
            bad.site().equals(replicas.valid.site())
                && bad.transactions().equals(replicas.valid.transactions()))
        .as("the mutation changed the set")
        .isFalse();
    replicas.assertRefused(name, () -> replicas.receiver().apply(bad), problem);
  }

  private static Arguments bad(String name, UnaryOperator<ChangeSet> mutation, String problem) {
    return Arguments.of(name, mutation, problem);
  }

  // ---- building mutated sets -----------------------------------------------------------------

  private static UnaryOperator<ChangeSet> change(int tx, UnaryOperator<Change> mutation) {
    return s -> change(s, tx, mutation);
  }

  private static UnaryOperator<ChangeSet> table(int tx, String table) {
    return change(
        tx, c -> new Change(table, c.key(), c.kind(), c.causalLength(), c.values(), c.life()));
  }

  private static UnaryOperator<ChangeSet> key(int tx, Object... key) {
    return change(tx, c -> withKey(c, key));
  }

  private static UnaryOperator<ChangeSet> value(int tx, String column, Object value) {
    return change(tx, c -> put(c, column, value));
  }

  private static ChangeSet change(ChangeSet set, int tx, UnaryOperator<Change> mutation) {
    return transaction(
        set,
        tx,
        t -> {
          List<Change> changes = new ArrayList<>(t.changes());
          changes.set(0, mutation.apply(changes.get(0)));
          return new Transaction(t.dot(), t.hlc(), t.deps(), changes, t.nonce());
        });
  }

  private static ChangeSet transaction(ChangeSet set, int tx, UnaryOperator<Transaction> mutation) {
    List<Transaction> txs = new ArrayList<>(set.transactions());
    txs.set(tx, mutation.apply(txs.get(tx)));
    return new ChangeSet(set.site(), set.clock(), txs, set.heads());
  }

  private static ChangeSet without(ChangeSet set, int tx) {
    List<Transaction> txs = new ArrayList<>(set.transactions());
    txs.remove(tx);
    return new ChangeSet(set.site(), set.clock(), txs, set.heads());
  }

  private static Transaction retag(Transaction tx, Dot dot, Map<String, Long> deps) {
    return new Transaction(dot, tx.hlc(), VectorClock.of(deps), tx.changes(), tx.nonce());
  }

  private static Change withKey(Change c, Object... key) {
    return new Change(
        c.table(), Arrays.asList(key), c.kind(), c.causalLength(), c.values(), c.life());
  }

  private static Change put(Change c, String column, Object value) {
    Map<String, Object> values = new LinkedHashMap<>(c.values());
    values.put(column, value);
    return c.withValues(values);
  }
}
