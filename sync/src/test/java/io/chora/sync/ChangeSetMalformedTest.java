package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed change sets are refused with a {@link ChangeSetFormatException} naming the problem. */
class ChangeSetMalformedTest {
  /** JSON written with single quotes for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static final String HEADER =
      "{'format':'chora.changeset','version':1,'site':'a','clock':{'a':1},'transactions':[";

  private static String withHeader(String header) {
    return json(header + ",'transactions':[]}");
  }

  private static String withTransaction(String tx) {
    return json(HEADER + tx + "]}");
  }

  private static String withChange(String change) {
    return withTransaction("{'site':'a','seq':1,'hlc':5,'deps':{},'changes':[" + change + "]}");
  }

  private static String withValue(String value) {
    return withChange(
        "{'table':'t','key':[1],'kind':'insert','cl':1,'values':{'v':" + value + "}}");
  }

  private static final String VALID = withValue("'ok'");

  static Stream<Arguments> malformed() {
    String hdr = "'format':'chora.changeset','version':1";
    return Stream.of(
        arguments("not JSON", "hello", "'hello' is not a JSON value"),
        arguments("empty input", "", "expected a change set object, found end of input"),
        arguments("a JSON array", "[]", "expected a change set object, found an array"),
        arguments("truncated header", VALID.substring(0, 30), "cut short at line 1"),
        arguments(
            "truncated transaction",
            VALID.substring(0, VALID.length() - 12),
            "cut short at line 1"),
        arguments(
            "truncated after last tx",
            VALID.substring(0, VALID.length() - 2),
            "cut short at line 1"),
        arguments(
            "wrong format name",
            withHeader("{'format':'other.thing','version':1,'site':'a','clock':{}"),
            "not a chora change set (format is other.thing)"),
        arguments(
            "missing format",
            withHeader("{'version':1,'site':'a','clock':{}"),
            "the header lacks 'format' before 'transactions'"),
        arguments(
            "version 4",
            withHeader("{" + hdr.replace("1", "4") + ",'site':'a','clock':{}"),
            "unsupported change set version 4; this chora reads versions 1 to 3"),
        arguments(
            "version 0",
            withHeader("{" + hdr.replace("1", "0") + ",'site':'a','clock':{}"),
            "unsupported change set version 0"),
        arguments(
            "a head that is not [seq, nonce]",
            withHeader("{" + hdr + ",'site':'a','clock':{},'heads':{'a':[1]}"),
            "'heads' entry 'a' nonce must be an integer"),
        arguments(
            "a head at seq 0",
            withHeader("{" + hdr + ",'site':'a','clock':{},'heads':{'a':[0,5]}"),
            "bad head for 'a'"),
        arguments(
            "missing version",
            withHeader("{'format':'chora.changeset','site':'a','clock':{}"),
            "the header lacks 'version'"),
        arguments(
            "version as text",
            withHeader("{'format':'chora.changeset','version':'1','site':'a','clock':{}"),
            "'version' must be an integer, found a string"),
        arguments(
            "missing site",
            withHeader("{" + hdr + ",'clock':{}"),
            "the header lacks 'site' before 'transactions'"),
        arguments(
            "empty site",
            withHeader("{" + hdr + ",'site':'','clock':{}"),
            "the header's 'site' is empty"),
        arguments(
            "missing clock",
            withHeader("{" + hdr + ",'site':'a'"),
            "the header lacks 'clock' before 'transactions'"),
        arguments(
            "no transactions",
            json("{" + hdr + ",'site':'a','clock':{}}"),
            "the header lacks 'transactions'"),
        arguments(
            "unknown header field",
            withHeader("{" + hdr + ",'site':'a','clock':{},'extra':1"),
            "unknown field 'extra'"),
        arguments(
            "negative clock counter",
            withHeader("{" + hdr + ",'site':'a','clock':{'a':-1}"),
            "negative counter for site a: -1"),
        arguments(
            "empty site in clock",
            withHeader("{" + hdr + ",'site':'a','clock':{'':1}"),
            "site id must be a non-empty string"),
        arguments(
            "clock counter as text",
            withHeader("{" + hdr + ",'site':'a','clock':{'a':'1'}"),
            "'clock' entry 'a' must be an integer, found a string"),
        arguments(
            "transactions not an array",
            json("{" + hdr + ",'site':'a','clock':{},'transactions':{}}"),
            "'transactions' must be an array, found an object"),
        arguments(
            "transaction not an object",
            withTransaction("7"),
            "expected a transaction object, found an integer"),
        arguments(
            "seq 0",
            withTransaction("{'site':'a','seq':0,'hlc':5,'deps':{},'changes':[]}"),
            "a dot's seq starts at 1, got 0"),
        arguments(
            "transaction without hlc",
            withTransaction("{'site':'a','seq':1,'changes':[]}"),
            "a transaction lacks 'hlc'"),
        arguments(
            "unknown transaction field",
            withTransaction("{'site':'a','seq':1,'hlc':5,'deps':{},'changes':[],'author':'x'}"),
            "unknown transaction field 'author'"),
        arguments(
            "unknown change field",
            withChange("{'table':'t','key':[1],'kind':'delete','cl':2,'why':'x'}"),
            "unknown change field 'why'"),
        arguments(
            "unknown change kind",
            withChange("{'table':'t','key':[1],'kind':'upsert','values':{}}"),
            "unknown change kind: upsert"),
        arguments(
            "change without kind", withChange("{'table':'t','key':[1]}"), "a change lacks 'kind'"),
        arguments(
            "empty key",
            withChange("{'table':'t','key':[],'kind':'delete','cl':2}"),
            "needs a primary key"),
        arguments(
            "a delete with values",
            withChange("{'table':'t','key':[1],'kind':'delete','cl':2,'values':{'v':1}}"),
            "a delete carries no values"),
        arguments(
            "column twice",
            withChange("{'table':'t','key':[1],'kind':'insert','cl':1,'values':{'v':1,'v':2}}"),
            "Duplicate field 'v'"),
        arguments(
            "column twice, first NULL",
            withChange("{'table':'t','key':[1],'kind':'insert','cl':1,'values':{'v':null,'v':2}}"),
            "Duplicate field 'v'"),
        arguments(
            "integer beyond 64-bit",
            withValue("9223372036854775808"),
            "integer out of SQLite's 64-bit range: 9223372036854775808"),
        arguments(
            "negative integer beyond 64-bit",
            withValue("-9223372036854775809"),
            "integer out of SQLite's 64-bit range"),
        arguments(
            "bad base64 blob", withValue("{'blob':'not base64!'}"), "blob is not valid base64"),
        arguments("blob not a string", withValue("{'blob':5}"), "the blob must be a string"),
        arguments("unknown value tag", withValue("{'date':'2024'}"), "unknown value type 'date'"),
        arguments("empty tagged value", withValue("{}"), "expected a field name"),
        arguments(
            "real tag with a number",
            withValue("{'real':'1.5'}"),
            "a real written as text must be Infinity, -Infinity or NaN: 1.5"),
        arguments(
            "real beyond a double", withValue("1e400"), "real out of a double's range: 1e400"),
        arguments("negative real beyond a double", withValue("-1e400"), "range: -1e400"),
        arguments("real below a double", withValue("1.5e-400"), "range: 1.5e-400"),
        arguments(
            "header site twice",
            withHeader("{" + hdr + ",'site':'a','site':'b','clock':{}"),
            "Duplicate field 'site'"),
        arguments(
            "clock entry twice",
            withHeader("{" + hdr + ",'site':'a','clock':{'a':1,'a':2}"),
            "Duplicate field 'a'"),
        arguments(
            "clock beyond the entry limit",
            withHeader("{" + hdr + ",'site':'a','clock':{" + manyEntries(10_001) + "}"),
            "more than 10000 entries"),
        arguments(
            "head beyond the seq limit",
            withHeader("{" + hdr + ",'site':'a','clock':{},'heads':{'a':[9007199254740992,1]}"),
            "bad head for 'a'"),
        arguments(
            "transaction seq twice",
            withTransaction("{'site':'a','seq':1,'seq':2,'hlc':5,'deps':{},'changes':[]}"),
            "Duplicate field 'seq'"),
        arguments(
            "changes twice",
            withTransaction("{'site':'a','seq':1,'hlc':5,'deps':{},'changes':[],'changes':[]}"),
            "Duplicate field 'changes'"),
        arguments(
            "kind twice",
            withChange("{'table':'t','key':[1],'kind':'delete','kind':'insert','cl':1}"),
            "Duplicate field 'kind'"),
        arguments(
            "table twice",
            withChange("{'table':'t','table':'u','key':[1],'kind':'insert','cl':1}"),
            "Duplicate field 'table'"),
        arguments(
            "key twice",
            withChange("{'table':'t','key':[1],'key':[2],'kind':'insert','cl':1}"),
            "Duplicate field 'key'"),
        arguments(
            "boolean value",
            withValue("true"),
            "the value of 'v' must be a value (null, a number, a string or a tagged object), found a boolean"),
        arguments(
            "array value",
            withValue("[1]"),
            "the value of 'v' must be a value (null, a number, a string or a tagged object), found an array"),
        arguments("trailing object", VALID + "{}", "trailing content after the change set"),
        arguments("trailing garbage", VALID + " garbage", "'garbage' is not a JSON value"),
        arguments(
            "field after transactions",
            json(HEADER + "],'extra':'b'}"),
            "expected end of change set, found a field name"));
  }

  private static String manyEntries(int n) {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < n; i++) {
      entries.append(i == 0 ? "" : ",").append("'s").append(i).append("':1");
    }
    return entries.toString();
  }

  @Test
  void realsWithinADoublesRangeAreRead() {
    for (String real : new String[] {"0.0", "0e5", "-0.0", "1.7976931348623157e308", "4.9e-324"}) {
      Object read = ChangeSet.fromJson(withValue(real)).transactions().get(0).changes().get(0);
      assertThat(((Change) read).values().get("v")).as(real).isEqualTo(Double.parseDouble(real));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isRefusedWithAMessageNamingTheProblem(String name, String text, String expected) {
    assertThatThrownBy(() -> ChangeSet.fromJson(text))
        .isExactlyInstanceOf(ChangeSetFormatException.class)
        .hasMessageStartingWith("malformed change set")
        .hasMessageContaining(expected);
    assertThatThrownBy(
            () ->
                ChangeSet.readFrom(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))))
        .isExactlyInstanceOf(ChangeSetFormatException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void theValidBaselineIsAccepted() {
    ChangeSet set = ChangeSet.fromJson(VALID);
    assertThat(set.site()).isEqualTo("a");
    assertThat(set.transactions().get(0).changes().get(0).values()).containsEntry("v", "ok");
  }

  @Test
  void messagesSayWhereTheProblemIs() {
    assertThatThrownBy(() -> ChangeSet.fromJson(withValue("{'date':'2024'}")))
        .hasMessageMatching(
            "malformed change set at line 1, column \\d+ \\(byte \\d+\\): the value of 'v': unknown value"
                + " type.*");
  }

  /** Jackson's own text ({@code [Source: REDACTED ...]}, token names) never reaches a user. */
  @Test
  void aCutShortOrNonJsonInputSaysSoInChorasWords() {
    int cut = VALID.length() - 12;
    assertThatThrownBy(() -> ChangeSet.fromJson(VALID.substring(0, cut)))
        .hasMessage(
            "malformed change set: cut short at line 1, column "
                + (cut + 1)
                + " (byte "
                + cut
                + "): the input ends before the change set does (a truncated file, or one copied"
                + " while it was still being written) (in 'values')");
    String betweenEntries = VALID.substring(0, VALID.indexOf("\"site\"") + 11); // ..."a",
    assertThat(betweenEntries).endsWith(",");
    assertThatThrownBy(() -> ChangeSet.fromJson(betweenEntries))
        .hasMessageStartingWith("malformed change set: cut short at line 1, column ");
    assertThatThrownBy(() -> ChangeSet.fromJson(json("{'format' 1}")))
        .hasMessageStartingWith("malformed change set: not valid JSON at line 1, column 11")
        .hasMessageNotContaining("Source")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void jsonSyntaxErrorsKeepTheParserErrorAsCause() {
    assertThatThrownBy(() -> ChangeSet.fromJson("{\"format\":"))
        .isInstanceOf(ChangeSetFormatException.class)
        .cause()
        .isNotNull();
  }

  @Test
  void fieldOrderAndWhitespaceAreFree() {
    String reordered =
        json(
            "\n{ 'site' : 'a', 'clock' : { 'b' : 2, 'a' : 1 }, 'version' : 1,\n"
                + "  'format' : 'chora.changeset', 'transactions' : [\n"
                + "  { 'changes' : [ { 'values' : { 'v' : 1.0 }, 'kind' : 'update', 'cl' : 1, 'key' : [ 3 ],"
                + " 'table' : 't' } ], 'hlc' : 9, 'deps' : { }, 'seq' : 2, 'site' : 'b' } ] }\n  ");
    ChangeSet set = ChangeSet.fromJson(reordered);
    assertThat(set.clock()).isEqualTo(VectorClock.parse("{a=1, b=2}"));
    Transaction tx = set.transactions().get(0);
    assertThat(tx.dot()).isEqualTo(new Dot("b", 2));
    assertThat(tx.hlc()).isEqualTo(9);
    assertThat(tx.changes())
        .containsExactly(
            new Change("t", java.util.List.of(3L), ChangeKind.UPDATE, java.util.Map.of("v", 1.0)));
  }
}
