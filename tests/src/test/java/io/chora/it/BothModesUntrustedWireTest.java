package io.chora.it;

import static io.chora.it.JsonEdits.cutAtKey;
import static io.chora.it.JsonEdits.cutInValue;
import static io.chora.it.JsonEdits.drop;
import static io.chora.it.JsonEdits.edit;
import static io.chora.it.JsonEdits.set;
import static io.chora.it.JsonEdits.twice;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.SyncMode;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format attacked field by field, in both modes, each case through {@code
 * apply(InputStream)}: every field of the set (docs/protocol.md, docs/seed-api.md) with each wrong
 * type, left out, given twice, cut short at it, and given values past its bounds (seqs, HLCs,
 * causal lengths, clocks, site ids and names with NUL, control characters or past their length,
 * huge strings and numbers). Each is refused with an SQLException naming the field, the receiver's
 * file byte for byte unchanged and still able to take the valid set ({@link ModePair}). {@link
 * BothModesUntrustedSetTest} holds the cases that reach the engines' own checks; {@link
 * BothModesUntrustedInputTest} the inputs that are no change set at all.
 */
class BothModesUntrustedWireTest {
  /** One value of each JSON type; a field is given every one that is not its own type. */
  private static final Map<String, String> TYPES =
      Map.of(
          "an integer", "7",
          "a real", "1.5",
          "a string", "\"x\"",
          "null", "null",
          "a boolean", "true",
          "an array", "[]",
          "an object", "{}");

  /** Fields both modes' sets carry, the nth of that name in the text, and the type they have. */
  private record Field(String name, int nth, String type, String must) {}

  // header site is the 1st "site", the first transaction's the 2nd; its first change follows
  private static final List<Field> FIELDS =
      List.of(
          new Field("format", 1, "a string", "'format' must be a string"),
          new Field("version", 1, "an integer", "'version' must be an integer"),
          new Field("site", 1, "a string", "'site' must be a string"),
          new Field("clock", 1, "an object", "'clock' must be a clock object"),
          new Field("transactions", 1, "an array", "'transactions' must be an array"),
          new Field("site", 2, "a string", "'site' must be a string"),
          new Field("seq", 1, "an integer", "'seq' must be an integer"),
          new Field("hlc", 1, "an integer", "'hlc' must be an integer"),
          new Field("deps", 1, "an object", "'deps' must be a clock object"),
          new Field("changes", 1, "an array", "'changes' must be an array"),
          new Field("table", 1, "a string", "'table' must be a string"),
          new Field("key", 1, "an array", "'key' must be an array"),
          new Field("kind", 1, "a string", "'kind' must be a string"),
          new Field("cl", 1, "an integer", "'cl' must be an integer"),
          new Field("values", 1, "an object", "'values' must be an object"));

  @TempDir Path dir;

  static Stream<Arguments> wrongTypes() {
    List<Arguments> cases = new ArrayList<>();
    for (Field f : FIELDS) {
      TYPES.forEach(
          (type, value) -> {
            if (!type.equals(f.type())
                && !(f.type().equals("an object") && type.equals("an object"))) {
              cases.add(
                  Arguments.of(
                      f.name() + " #" + f.nth() + " as " + type,
                      set(f.name(), f.nth(), value),
                      f.must() + ", found " + type));
            }
          });
    }
    return inBothModes(cases.stream());
  }

  static Stream<Arguments> missingFields() {
    return inBothModes(
        Stream.of(
            missing("format", 1, "the header lacks 'format'"),
            missing("version", 1, "the header lacks 'version'"),
            missing("site", 1, "the header lacks 'site'"),
            missing("clock", 1, "the header lacks 'clock'"),
            missing("transactions", 1, "the header lacks 'transactions'"),
            missing("site", 2, "a transaction lacks 'site'"),
            missing("seq", 1, "a transaction lacks 'seq'"),
            missing("hlc", 1, "a transaction lacks 'hlc'"),
            missing("deps", 1, "a transaction lacks 'deps'"),
            missing("changes", 1, "a transaction lacks 'changes'"),
            missing("table", 1, "a change lacks 'table'"),
            missing("key", 1, "a change lacks 'key'"),
            missing("kind", 1, "a change lacks 'kind'"),
            missing("cl", 1, "a change lacks 'cl'")));
  }

  static Stream<Arguments> fieldsTwice() {
    return inBothModes(
        Stream.of(
            dup("format", 1, "\"chora.changeset\""),
            dup("version", 1, "3"),
            dup("clock", 1, "{}"),
            dup("transactions", 1, "[]"),
            dup("site", 2, "\"z\""),
            dup("seq", 1, "1"),
            dup("hlc", 1, "0"),
            dup("deps", 1, "{}"),
            dup("changes", 1, "[]"),
            dup("key", 1, "[1]"),
            dup("cl", 1, "1"),
            dup("values", 1, "{}")));
  }

  /** The set cut at every kind of structural point: inside a key, after its colon, in a value. */
  static Stream<Arguments> truncations() {
    List<Arguments> cases = new ArrayList<>();
    for (Field f : FIELDS) {
      String at = f.name() + " #" + f.nth();
      cases.add(Arguments.of("cut in the key " + at, cutAtKey(f.name(), f.nth(), 3), "cut short"));
      cases.add(
          Arguments.of(
              "cut after the colon of " + at, cutInValue(f.name(), f.nth(), 0), "cut short"));
      cases.add(Arguments.of("cut inside " + at, cutInValue(f.name(), f.nth(), 1), "cut short"));
      cases.add(Arguments.of("cut after " + at, cutInValue(f.name(), f.nth(), -1), "cut short"));
    }
    cases.add(Arguments.of("cut after the first transaction", afterTransactions(1), "cut short"));
    cases.add(
        Arguments.of(
            "cut before the last bracket",
            (UnaryOperator<String>) j -> j.substring(0, j.length() - 2),
            "cut short"));
    cases.add(
        Arguments.of(
            "cut before the last brace",
            (UnaryOperator<String>) j -> j.substring(0, j.length() - 1),
            "cut short"));
    return inBothModes(cases.stream());
  }

  /** Values past a field's bounds or outside what it may hold. */
  static Stream<Arguments> badValues() {
    String nul = "\"a\\u0000b\"";
    return inBothModes(
        Stream.of(
            bad("version 0", set("version", 1, "0"), "unsupported change set version 0"),
            bad("version -1", set("version", 1, "-1"), "unsupported change set version -1"),
            bad("version 2^40", set("version", 1, "1099511627776"), "version 1099511627776"),
            bad(
                "version 2^64",
                set("version", 1, "18446744073709551616"),
                "'version' is beyond 64 bits"),
            bad("format empty", set("format", 1, "\"\""), "format is )"),
            bad("header site empty", set("site", 1, "\"\""), "the header's 'site' is empty"),
            bad("seq 2^53", set("seq", 1, "9007199254740992"), "seq is beyond the maximum"),
            bad("seq 2^63", set("seq", 1, "9223372036854775808"), "'seq' is beyond 64 bits"),
            bad("hlc 2^64", set("hlc", 1, "18446744073709551616"), "'hlc' is beyond 64 bits"),
            bad("cl 2^64", set("cl", 1, "18446744073709551616"), "'cl' is beyond 64 bits"),
            bad("cl -2^63-1", set("cl", 1, "-9223372036854775809"), "'cl' is beyond 64 bits"),
            bad(
                "clock value 2^53",
                set("clock", 1, "{\"s\":9007199254740992}"),
                "value for 's' is beyond"),
            bad(
                "clock value 2^64",
                set("clock", 1, "{\"s\":18446744073709551616}"),
                "'clock' entry 's' is beyond 64 bits"),
            bad(
                "clock value negative",
                set("clock", 1, "{\"s\":-1}"),
                "negative counter for site s"),
            bad(
                "clock value real",
                set("clock", 1, "{\"s\":1.5}"),
                "'clock' entry 's' must be an integer, found a real"),
            bad(
                "clock value text",
                set("clock", 1, "{\"s\":\"1\"}"),
                "'clock' entry 's' must be an integer, found a string"),
            bad(
                "clock value nested",
                set("clock", 1, "{\"s\":{\"t\":1}}"),
                "'clock' entry 's' must be an integer, found an object"),
            bad(
                "clock site empty",
                set("clock", 1, "{\"\":1}"),
                "site id must be a non-empty string"),
            bad(
                "deps value 2^53",
                set("deps", 1, "{\"s\":9007199254740992}"),
                "deps value for 's' is beyond"),
            bad("deps value negative", set("deps", 1, "{\"s\":-1}"), "negative counter for site s"),
            bad(
                "deps with too many entries",
                set("deps", 1, entries(10_001)),
                "'deps' has more than 10000 entries"),
            bad(
                "deps site empty",
                set("deps", 1, "{\"\":1}"),
                "site id must be a non-empty string"),
            bad("kind upper case", set("kind", 1, "\"INSERT\""), "INSERT"),
            bad("kind unknown", set("kind", 1, "\"upsert\""), "upsert"),
            bad("kind empty", set("kind", 1, "\"\""), "kind"),
            bad("key nested array", set("key", 1, "[[2]]"), "'key' part 1 must be a value"),
            bad(
                "key part an unknown tag",
                set("key", 1, "[{\"date\":\"x\"}]"),
                "'key' part 1: unknown value type 'date'"),
            bad(
                "key part beyond 64 bits",
                set("key", 1, "[18446744073709551616]"),
                "'key' part 1: integer out of SQLite's 64-bit range"),
            bad("key part a boolean", set("key", 1, "[true]"), "'key' part 1 must be a value"),
            bad("value a boolean", valueOfN("true"), "the value of 'n' must be a value"),
            bad("value an array", valueOfN("[2]"), "the value of 'n' must be a value"),
            bad(
                "value a deep array",
                valueOfN("[".repeat(5_000) + "]".repeat(5_000)),
                "the value of 'n' must be a value"),
            bad(
                "value blob not text",
                valueOfN("{\"blob\":5}"),
                "the value of 'n': the blob must be a string"),
            bad(
                "value blob and more",
                valueOfN("{\"blob\":\"AP8=\",\"real\":\"x\"}"),
                "the value of 'n' must end after its blob"),
            bad("value tag empty object", valueOfN("{}"), "expected a field name"),
            bad(
                "value real as text",
                valueOfN("{\"real\":\"1.5\"}"),
                "must be Infinity, -Infinity or NaN"),
            bad("value real NaN as text", valueOfN("{\"real\":\"NaN\"}"), "NaN"),
            bad(
                "value integer beyond 64 bits",
                valueOfN("-9223372036854775809"),
                "the value of 'n': integer out of SQLite's 64-bit range"),
            bad("value a 2,000 digit integer", valueOfN("1".repeat(2_000)), "Number value length"),
            bad(
                "value a 2,000 digit real",
                valueOfN("1." + "1".repeat(2_000)),
                "Number value length"),
            bad(
                "value a 1 MB text",
                valueOfN("\"" + "x".repeat(1 << 20) + "\""),
                "String value length"),
            bad(
                "value a 1 MB blob",
                valueOfN("{\"blob\":\"" + "A".repeat(1 << 20) + "\"}"),
                "String value length"),
            bad(
                "value a 10,000 character text",
                valueOfN("\"" + "x".repeat(10_000) + "\""),
                "String value length"),
            bad("value of 101 bytes", valueOfN("\"" + "x".repeat(101) + "\""), "maxValueBytes=100"),
            bad("column name of 60,000 characters", columnN("c".repeat(60_000)), "Name length"),
            bad("column name empty", columnN(""), "empty, longer than"),
            bad("column name with NUL", columnN("n\u0000"), "control characters"),
            bad("column name with a newline", columnN("n\n"), "control characters"),
            bad("column name rowid", columnN("rowid"), "'rowid'"),
            bad("table name empty", set("table", 1, "\"\""), "needs a table name"),
            bad("table name with NUL", set("table", 1, nul), "control characters"),
            bad("table name with a tab", set("table", 1, "\"no\\tte\""), "control characters"),
            bad(
                "table name of 1,001 characters",
                set("table", 1, "\"" + "t".repeat(1_001) + "\""),
                "longer than 1000"),
            bad("table name sqlite_master", set("table", 1, "\"sqlite_master\""), "sqlite_master"),
            bad("table name chora_meta", set("table", 1, "\"chora_meta\""), "chora_meta"),
            bad("transaction site with NUL", set("site", 2, nul), "site id"),
            bad("transaction site with a space", set("site", 2, "\"a b\""), "site id"),
            bad("transaction site in Cyrillic", set("site", 2, "\"сайт\""), "site id"),
            bad(
                "transaction site of 129 characters",
                set("site", 2, "\"" + "s".repeat(129) + "\""),
                "site id"),
            bad("transaction site empty", set("site", 2, "\"\""), "site id"),
            bad("header site with NUL", set("site", 1, nul), "site id"),
            bad("header site with a newline", set("site", 1, "\"a\\nb\""), "site id"),
            bad(
                "header site of 129 characters",
                set("site", 1, "\"" + "s".repeat(129) + "\""),
                "site id"),
            bad(
                "clock site with NUL",
                edit("\"clock\":{", "\"clock\":{\"a\\u0000b\":1,"),
                "site id"),
            bad(
                "clock site with a quote",
                edit("\"clock\":{", "\"clock\":{\"a\\\"b\":1,"),
                "site id"),
            bad("deps site with NUL", set("deps", 1, "{\"a\\u0000b\":1}"), "site id"),
            bad(
                "heads not an object",
                withHeads("[]"),
                "'heads' must be an object, found an array"),
            bad(
                "head not an array",
                withHeads("{\"s\":1}"),
                "'heads' entry 's' must be a [seq, nonce] array"),
            bad("head seq 0", withHeads("{\"s\":[0,1]}"), "bad head for 's'"),
            bad("head seq 2^53", withHeads("{\"s\":[9007199254740992,1]}"), "bad head for 's'"),
            bad(
                "head nonce text",
                withHeads("{\"s\":[1,\"n\"]}"),
                "'heads' entry 's' nonce must be an integer"),
            bad(
                "head with three parts",
                withHeads("{\"s\":[1,2,3]}"),
                "'heads' entry 's' must end after [seq, nonce]"),
            bad(
                "heads with too many entries",
                withHeads("" + heads(10_001) + ""),
                "'heads' has more than 10000 entries"),
            bad(
                "life not an array",
                edit("\"kind\":", "\"life\":\"x\",\"kind\":"),
                "'life' must be a [site, seq] array, found a string"),
            bad("life seq 0", edit("\"kind\":", "\"life\":[\"s\",0],\"kind\":"), "bad life [s, 0]"),
            bad(
                "life site empty",
                edit("\"kind\":", "\"life\":[\"\",1],\"kind\":"),
                "bad life [, 1]"),
            bad(
                "life with three parts",
                edit("\"kind\":", "\"life\":[\"s\",1,2],\"kind\":"),
                "'life' must end after [site, seq]"),
            bad(
                "adds not an object",
                edit("\"kind\":", "\"adds\":1,\"kind\":"),
                "'adds' must be an object, found an integer"),
            bad(
                "adds a real amount",
                edit("\"kind\":", "\"adds\":{\"n\":1.5},\"kind\":"),
                "adds to 'n' must be an integer, found a real"),
            bad(
                "adds beyond 64 bits",
                edit("\"kind\":", "\"adds\":{\"n\":18446744073709551616},\"kind\":"),
                "adds to 'n' is beyond 64 bits"),
            bad(
                "unknown transaction field",
                edit("\"seq\":", "\"zip\":1,\"seq\":"),
                "unknown transaction field 'zip'"),
            bad(
                "unknown change field",
                edit("\"kind\":", "\"zip\":1,\"kind\":"),
                "unknown change field 'zip'"),
            bad(
                "a transaction not an object",
                edit("\"transactions\":[", "\"transactions\":[7,"),
                "expected a transaction object, found an integer"),
            bad(
                "a change not an object",
                edit("\"changes\":[", "\"changes\":[7,"),
                "each of 'changes' must be a change object, found an integer"),
            bad(
                "a second set after the first",
                j -> j + j,
                "trailing content after the change set"),
            bad(
                "a signature line to a replica that does not check them",
                j -> j + "\nchora-signature/1 chorasign1x AAAA file s\n",
                "looks like a chora-signature line")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource({"wrongTypes", "missingFields", "fieldsTwice", "truncations", "badValues"})
  void aMalformedFieldIsRefusedByNameAndChangesNothing(
      SyncMode mode, String name, UnaryOperator<String> mutation, String problem) throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      String json = pair.valid.toJson();
      String bad = mutation.apply(json);
      assertThat(bad).as("the mutation changed the set").isNotEqualTo(json);
      pair.assertRefused(
          name,
          () -> pair.receiver().apply(new ByteArrayInputStream(bad.getBytes(UTF_8))),
          problem);
    }
  }

  // ---- cases --------------------------------------------------------------------------------

  private static Arguments missing(String name, int nth, String problem) {
    return Arguments.of("no " + name + " #" + nth, drop(name, nth), problem);
  }

  private static Arguments dup(String name, int nth, String value) {
    return Arguments.of(
        name + " #" + nth + " twice", twice(name, nth, value), "Duplicate field '" + name + "'");
  }

  private static Arguments bad(String name, UnaryOperator<String> mutation, String problem) {
    return Arguments.of(name, mutation, problem);
  }

  /** The value of column n in the first change that writes it, replaced. */
  private static UnaryOperator<String> valueOfN(String value) {
    return set("n", 1, value);
  }

  /** The header's heads replaced (java mode sends some) or added (native mode sends none). */
  private static UnaryOperator<String> withHeads(String heads) {
    return json ->
        json.contains("\"heads\":")
            ? set("heads", 1, heads).apply(json)
            : edit("\"transactions\":", "\"heads\":" + heads + ",\"transactions\":").apply(json);
  }

  /** Column n of the first change that writes it, renamed. */
  private static UnaryOperator<String> columnN(String column) {
    return edit("\"n\":", JsonEdits.quote(column) + ":");
  }

  /** The text up to the end of the first {@code n} transactions. */
  private static UnaryOperator<String> afterTransactions(int n) {
    return json -> {
      int at = json.indexOf("\"transactions\":[") + "\"transactions\":[".length();
      for (int i = 0; i < n; i++) {
        at = json.indexOf("]}", json.indexOf("\"changes\":", at)) + 2;
      }
      return json.substring(0, at);
    };
  }

  private static String entries(int n) {
    StringBuilder entries = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      entries.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":1");
    }
    return entries.append('}').toString();
  }

  private static String heads(int n) {
    StringBuilder heads = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      heads.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":[1,1]");
    }
    return heads.append('}').toString();
  }

  static Stream<Arguments> inBothModes(Stream<Arguments> cases) {
    List<Arguments> all = cases.toList();
    return Stream.of(SyncMode.values())
        .flatMap(
            mode ->
                all.stream()
                    .map(
                        a -> {
                          Object[] args = a.get();
                          Object[] withMode = new Object[args.length + 1];
                          withMode[0] = mode;
                          System.arraycopy(args, 0, withMode, 1, args.length);
                          return Arguments.of(withMode);
                        }));
  }
}
