package io.chora.sync;

import static io.chora.sync.Fixtures.clock;
import static io.chora.sync.Fixtures.delete;
import static io.chora.sync.Fixtures.insert;
import static io.chora.sync.Fixtures.key;
import static io.chora.sync.Fixtures.row;
import static io.chora.sync.Fixtures.tx;
import static io.chora.sync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeSetCodecTest {

  private static ChangeSet viaJson(ChangeSet set) {
    return ChangeSet.fromJson(set.toJson());
  }

  private static ChangeSet viaStreams(ChangeSet set) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    set.writeTo(out);
    return ChangeSet.readFrom(new ByteArrayInputStream(out.toByteArray()));
  }

  private static void assertSameSet(ChangeSet actual, ChangeSet expected) {
    assertThat(actual.site()).isEqualTo(expected.site());
    assertThat(actual.clock()).isEqualTo(expected.clock());
    assertThat(actual.transactions()).isEqualTo(expected.transactions());
    assertThat(actual.size()).isEqualTo(expected.size());
  }

  /** Same storage class and the same bits: Long stays Long, doubles compare raw bits. */
  static void assertSameSqlValue(Object actual, Object expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else if (expected instanceof Double d) {
      assertThat(actual).isInstanceOf(Double.class);
      assertThat(Double.doubleToRawLongBits((Double) actual))
          .as("bits of %s", d)
          .isEqualTo(Double.doubleToRawLongBits(d));
    } else if (expected instanceof byte[] bytes) {
      assertThat(actual).isInstanceOf(byte[].class);
      assertThat((byte[]) actual).containsExactly(bytes);
    } else {
      assertThat(actual).isExactlyInstanceOf(expected.getClass()).isEqualTo(expected);
    }
  }

  static Stream<Arguments> sqlValues() {
    byte[] every = new byte[256];
    for (int i = 0; i < 256; i++) {
      every[i] = (byte) i;
    }
    return Stream.of(
        Arguments.of("NULL", null),
        Arguments.of("zero", 0L),
        Arguments.of("minus one", -1L),
        Arguments.of("Long.MIN_VALUE", Long.MIN_VALUE),
        Arguments.of("Long.MAX_VALUE", Long.MAX_VALUE),
        Arguments.of("2^53 + 1", 9_007_199_254_740_993L),
        Arguments.of("0.1", 0.1),
        Arguments.of("1/3.0", 1 / 3.0),
        Arguments.of("-0.0", -0.0),
        Arguments.of("0.0", 0.0),
        Arguments.of("1.0 stays REAL", 1.0),
        Arguments.of("1e16", 1e16),
        Arguments.of("1e300", 1e300),
        Arguments.of("-1e-300", -1e-300),
        Arguments.of("Double.MIN_VALUE", Double.MIN_VALUE),
        Arguments.of("Double.MAX_VALUE", Double.MAX_VALUE),
        Arguments.of("+Infinity", Double.POSITIVE_INFINITY),
        Arguments.of("-Infinity", Double.NEGATIVE_INFINITY),
        Arguments.of("NaN", Double.NaN),
        Arguments.of("empty text", ""),
        Arguments.of("emoji", "😀👍🏽🇳🇴"),
        Arguments.of("CJK", "漢字かなカナ한국어"),
        Arguments.of("NUL char", "a\u0000b"),
        Arguments.of("quotes", "\"double\" 'single' \\back\\slash /"),
        Arguments.of("control chars", "\t\n\r\b\f\u001f\u007f"),
        Arguments.of("text 'null'", "null"),
        Arguments.of("text that looks numeric", "123"),
        Arguments.of("text that looks like a blob", "{\"blob\":\"AA==\"}"),
        Arguments.of("text 'Infinity'", "Infinity"),
        Arguments.of("empty blob", new byte[0]),
        Arguments.of("one zero byte", new byte[] {0}),
        Arguments.of("all 256 byte values", every));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sqlValues")
  void everyValueSurvivesBothCodecsAsKeyAndAsColumn(String name, Object value) throws IOException {
    ChangeSet set =
        new ChangeSet(
            "a",
            clock("{a=1}"),
            List.of(tx("a", 1, insert("t", key(value), row("id", 1L, "v", value, "after", "x")))));

    for (ChangeSet back : List.of(viaJson(set), viaStreams(set))) {
      Change change = back.transactions().get(0).changes().get(0);
      assertSameSqlValue(change.key().get(0), value);
      assertSameSqlValue(change.values().get("v"), value);
      assertThat(change.values()).containsKeys("id", "v", "after").hasSize(3);
    }
  }

  /** REALs of every magnitude, written by Jackson's fast writer: each reads back to its bits. */
  @Test
  void randomRealsSurviveBothCodecsBitExact() throws IOException {
    java.util.Random random = new java.util.Random(16);
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    for (int i = 0; values.size() < 10_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (!Double.isNaN(d) && !Double.isInfinite(d)) {
        values.put("r" + i, i % 2 == 0 ? d : random.nextDouble() * Math.pow(10, i % 40 - 20));
      }
    }
    ChangeSet set =
        new ChangeSet("a", clock("{a=1}"), List.of(tx("a", 1, insert("t", key(1L), values))));
    for (ChangeSet back : List.of(viaJson(set), viaStreams(set))) {
      Map<String, Object> read = back.transactions().get(0).changes().get(0).values();
      values.forEach((column, value) -> assertSameSqlValue(read.get(column), value));
    }
  }

  @Test
  void headsAndNoncesRoundTripAndVersionOneSetsStillRead() {
    Transaction tx =
        new Transaction(new Dot("a", 2), 77, clock("{a=1}"), List.of(delete("item", key(8L))), -42);
    ChangeSet set =
        new ChangeSet("a", clock("{a=2, b=1}"), List.of(tx), java.util.Map.of("b", new Head(1, 9)));
    ChangeSet back = ChangeSet.fromJson(set.toJson());
    assertThat(back.heads()).containsExactly(java.util.Map.entry("b", new Head(1, 9)));
    assertThat(back.transactions().get(0).nonce()).isEqualTo(-42);
    String v1 =
        "{\"format\":\"chora.changeset\",\"version\":1,\"site\":\"a\",\"clock\":{\"a\":1},"
            + "\"transactions\":[{\"site\":\"a\",\"seq\":1,\"hlc\":5,\"deps\":{},\"changes\":[]}]}";
    ChangeSet old = ChangeSet.fromJson(v1);
    assertThat(old.heads()).isEmpty();
    assertThat(old.transactions().get(0).nonce()).as("unknown").isZero();
  }

  @Test
  void writesTheDocumentedWireFormat() {
    long hlc = Hlc.fromMillis(1_700_000_000_000L);
    Change ins =
        insert(
            "item",
            key(7L),
            row("id", 7L, "name", "x", "data", new byte[] {0, -1}, "score", 1.5, "gone", null));
    Change upd = update("item", key(7L), row("score", Double.NEGATIVE_INFINITY, "nan", Double.NaN));
    ins =
        new Change(
            ins.table(), ins.key(), ins.kind(), ins.causalLength(), ins.values(), new Dot("a", 2));
    ChangeSet set =
        new ChangeSet(
            "a",
            clock("{a=2, b=1}"),
            List.of(
                new Transaction(new Dot("a", 2), hlc, List.of(ins, upd, delete("item", key(8L))))));

    assertThat(set.toJson())
        .isEqualTo(
            "{\"format\":\"chora.changeset\",\"version\":3,\"site\":\"a\",\"clock\":{\"a\":2,\"b\":1},"
                + "\"transactions\":[{\"site\":\"a\",\"seq\":2,\"hlc\":"
                + hlc
                + ",\"deps\":{\"a\":1},\"changes\":["
                + "{\"table\":\"item\",\"key\":[7],\"kind\":\"insert\",\"cl\":1,\"life\":[\"a\",2],"
                + "\"values\":{\"id\":7,"
                + "\"name\":\"x\",\"data\":{\"blob\":\"AP8=\"},\"score\":1.5,\"gone\":null}},"
                + "{\"table\":\"item\",\"key\":[7],\"kind\":\"update\",\"cl\":1,"
                + "\"values\":{\"score\":{\"real\":\"-Infinity\"},\"nan\":{\"real\":\"NaN\"}}},"
                + "{\"table\":\"item\",\"key\":[8],\"kind\":\"delete\",\"cl\":2}]}]}");
  }

  @Test
  void aChangesLifeRoundTripsAndAVersion2SetNamesNone() throws IOException {
    Change named =
        new Change("item", key(4L), ChangeKind.DELETE, 2, Map.of(), new Dot("site-b", 3));
    ChangeSet set = new ChangeSet("s", clock("{s=1}"), List.of(tx("s", 1, named)));
    for (ChangeSet back : List.of(viaJson(set), viaStreams(set))) {
      assertThat(back.transactions().get(0).changes().get(0).life())
          .isEqualTo(new Dot("site-b", 3));
    }
    ChangeSet v2 =
        ChangeSet.fromJson(
            "{\"format\":\"chora.changeset\",\"version\":2,\"site\":\"a\",\"clock\":{\"a\":1},"
                + "\"transactions\":[{\"site\":\"a\",\"seq\":1,\"hlc\":5,\"deps\":{},\"changes\":["
                + "{\"table\":\"item\",\"key\":[7],\"kind\":\"insert\",\"cl\":1,\"values\":{}}]}]}");
    assertThat(v2.transactions().get(0).changes().get(0).life()).isNull();
  }

  @Test
  void compositeKeysKeepTheirPartsInOrder() throws IOException {
    List<Object> composite = key(42L, "tenant-ß", null, 2.5, new byte[] {1, 2, 3}, -7L);
    ChangeSet set =
        new ChangeSet(
            "s", clock("{s=1}"), List.of(tx("s", 1, update("edge", composite, row("w", 9L)))));

    for (ChangeSet back : List.of(viaJson(set), viaStreams(set))) {
      List<Object> read = back.transactions().get(0).changes().get(0).key();
      assertThat(read).hasSize(composite.size());
      for (int i = 0; i < composite.size(); i++) {
        assertSameSqlValue(read.get(i), composite.get(i));
      }
      assertSameSet(back, set);
    }
  }

  @Test
  void deletesCarryNoValuesOnTheWire() throws IOException {
    ChangeSet set =
        new ChangeSet("a", clock("{a=1}"), List.of(tx("a", 1, delete("item", key(1L, "x")))));

    assertThat(set.toJson()).doesNotContain("values").contains("\"kind\":\"delete\"");
    Change back = viaStreams(set).transactions().get(0).changes().get(0);
    assertThat(back.kind()).isEqualTo(ChangeKind.DELETE);
    assertThat(back.values()).isEmpty();
    assertThat(back.key()).containsExactly(1L, "x");
  }

  @Test
  void columnOrderAndKindsSurvive() {
    Change ins = insert("t", key(1L), row("z", 1L, "a", 2L, "m", 3L));
    Change upd = update("t", key(1L), row("m", 4L));
    ChangeSet set =
        new ChangeSet("a", clock("{a=1}"), List.of(tx("a", 1, ins, upd, delete("t", key(1L)))));

    List<Change> back = viaJson(set).transactions().get(0).changes();
    assertThat(back)
        .extracting(Change::kind)
        .containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.DELETE);
    assertThat(back.get(0).values().keySet()).containsExactly("z", "a", "m");
    assertThat(back).containsExactly(ins, upd, delete("t", key(1L)));
  }

  @Test
  void headerAndTransactionMetadataSurvive() throws IOException {
    Transaction first = new Transaction(new Dot("site-b", 3), Long.MAX_VALUE, List.of());
    Transaction second =
        new Transaction(new Dot("site-a", 1), 0L, List.of(insert("t", key(1L), row("x", 1L))));
    ChangeSet set = new ChangeSet("site-b", clock("{site-a=1, site-b=3}"), List.of(first, second));

    for (ChangeSet back : List.of(viaJson(set), viaStreams(set))) {
      assertSameSet(back, set);
      assertThat(back.transactions())
          .extracting(Transaction::dot)
          .containsExactly(new Dot("site-b", 3), new Dot("site-a", 1));
      assertThat(back.transactions())
          .extracting(Transaction::hlc)
          .containsExactly(Long.MAX_VALUE, 0L);
    }
  }

  @Test
  void sizeCountsRowChangesNotTransactions() throws IOException {
    Change c = insert("t", key(1L), row("x", 1L));
    ChangeSet set =
        new ChangeSet(
            "a",
            clock("{a=3}"),
            List.of(tx("a", 1, c, c), tx("a", 2), tx("a", 3, c, delete("t", key(2L)), c)));

    assertThat(set.size()).isEqualTo(5);
    assertThat(set.transactions()).hasSize(3);
    assertThat(set.isEmpty()).isFalse();
    assertThat(viaStreams(set).size()).isEqualTo(5);
    assertThat(new ChangeSet("a", clock("{a=1}"), List.of(tx("a", 1))).size()).isZero();
  }

  @Test
  void anEmptySetWithAnEmptyClockRoundTrips() throws IOException {
    ChangeSet empty = new ChangeSet("lonely", new VectorClock(), List.of());
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.size()).isZero();
    for (ChangeSet back : List.of(viaJson(empty), viaStreams(empty))) {
      assertSameSet(back, empty);
      assertThat(back.isEmpty()).isTrue();
      assertThat(back.clock().isEmpty()).isTrue();
    }
  }

  @Test
  void aLargeBlobRoundTrips() throws IOException {
    byte[] big = new byte[15_500_000]; // more than 20M characters of base64
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + (i >>> 8));
    }
    ChangeSet set =
        new ChangeSet(
            "a", clock("{a=1}"), List.of(tx("a", 1, insert("t", key(1L), row("b", big)))));

    Object back = viaStreams(set).transactions().get(0).changes().get(0).values().get("b");
    assertSameSqlValue(back, big);
  }
}
