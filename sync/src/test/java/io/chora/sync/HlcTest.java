package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HlcTest {
  @Test
  void formatShowsTheCounterOnlyWhenItIsNotZero() {
    long at = Hlc.fromMillis(1_700_000_000_000L);
    assertThat(Hlc.format(at)).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(Hlc.format(at + 2)).isEqualTo("2023-11-14T22:13:20Z#2");
  }
}
