package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SQLite values keep their storage class in JSON, including the ones JSON has no form for. */
class ConflictJsonTest {
  @Test
  void eachStorageClassIsTagged() {
    assertThat(json(null)).isEqualTo("{\"type\":\"null\",\"value\":null}");
    assertThat(json(12L)).isEqualTo("{\"type\":\"integer\",\"value\":12}");
    assertThat(json("12")).isEqualTo("{\"type\":\"text\",\"value\":\"12\"}");
    assertThat(json(5.0)).isEqualTo("{\"type\":\"real\",\"value\":5.0}");
    assertThat(json(new byte[] {0x0a, (byte) 0xff}))
        .isEqualTo("{\"type\":\"blob\",\"value\":\"0aff\"}");
  }

  @Test
  void realsJsonCannotHoldBecomeText() {
    assertThat(json(Double.POSITIVE_INFINITY))
        .isEqualTo("{\"type\":\"real\",\"value\":\"Infinity\"}");
  }

  @Test
  void textIsEscapedForJsonAndLeftAloneOtherwise() {
    assertThat(json("</script>\"\n"))
        .isEqualTo("{\"type\":\"text\",\"value\":\"</script>\\\"\\n\"}");
    assertThat(Json.write(Arrays.asList(1, Map.of("a", true)))).isEqualTo("[1,{\"a\":true}]");
  }

  private static String json(Object value) {
    return Json.write(ConflictJson.value(value));
  }
}
