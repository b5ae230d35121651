package io.chora.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StampTest {
  private static Stamp at(String site, long seq, long hlc) {
    return new Stamp(new Dot(site, seq), hlc);
  }

  @Test
  void theHigherHlcWinsWhateverTheSite() {
    assertThat(at("a", 1, 20).beats(at("z", 9, 10))).isTrue();
    assertThat(at("z", 9, 10).beats(at("a", 1, 20))).isFalse();
  }

  @Test
  void equalHlcsAreDecidedByTheGreaterSiteIdNotTheSeq() {
    assertThat(at("b", 1, 10).beats(at("a", 7, 10))).isTrue();
    assertThat(at("a", 7, 10).beats(at("b", 1, 10))).isFalse();
  }

  @Test
  void writesOfOneTransactionDoNotBeatEachOther() {
    assertThat(at("a", 3, 10).beats(at("a", 3, 10))).isFalse();
    assertThat(at("a", 3, 10).compareTo(at("a", 3, 10))).isZero();
  }

  @Test
  void theBaselineLosesToEveryWriteAndTiesWithItself() {
    assertThat(at("a", 1, 0).beats(Stamp.BASELINE)).isTrue();
    assertThat(Stamp.BASELINE.beats(at("a", 1, 0))).isFalse();
    assertThat(Stamp.BASELINE.compareTo(Stamp.BASELINE)).isZero();
  }

  @Test
  void aTransactionsStampIsItsDotAndHlc() {
    Transaction tx = new Transaction(new Dot("a", 2), 99, new VectorClock(), java.util.List.of());
    assertThat(Stamp.of(tx)).isEqualTo(at("a", 2, 99));
  }
}
