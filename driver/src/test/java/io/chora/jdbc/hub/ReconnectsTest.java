package io.chora.jdbc.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectsTest {
  private static final URI A = URI.create("ws://a:1/v1/w");
  private static final URI B = URI.create("ws://b:1/v1/w");
  private static final URI C = URI.create("ws://c:1/v1/w");

  @Test
  void theNextInstanceIsTriedAtOnceAndOnlyAWholeRoundOfFailuresBacksOff() {
    Reconnects r = new Reconnects(List.of(A, B, C));
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isZero();
    assertThat(r.current()).isEqualTo(B);
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isZero();
    assertThat(r.current()).isEqualTo(C);
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isBetween(62L, 250L); // the round is over
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isZero();
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isZero();
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isBetween(125L, 500L); // the second round
  }

  @Test
  void oneEndpointBacksOffPerAttemptAsBefore() {
    Reconnects r = new Reconnects(List.of(A));
    long[] caps = {250, 500, 1000, 2000};
    for (long cap : caps) {
      assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isBetween(cap / 4, cap);
      assertThat(r.current()).isEqualTo(A);
    }
    for (int i = 0; i < 20; i++) {
      r.ended(Reconnects.Cause.ENDPOINT);
    }
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isLessThanOrEqualTo(30_000);
    r.welcomed();
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isBetween(62L, 250L);
  }

  @Test
  void aDrainingInstanceSendsItsClientsToTheNextAtOnceWhateverFailedBefore() {
    Reconnects r = new Reconnects(List.of(A, B));
    for (int i = 0; i < 10; i++) {
      r.ended(Reconnects.Cause.ENDPOINT); // five failed rounds: the backoff is long now
    }
    r.welcomed();
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.ended(Reconnects.Cause.RESTART)).isBetween(0L, 100L);
    assertThat(r.current()).isEqualTo(B);
    assertThat(r.ended(Reconnects.Cause.ENDPOINT)).isZero(); // B down too: A is tried at once
    assertThat(r.current()).isEqualTo(A);
  }

  @Test
  void aLocalFailureBacksOffOnTheSameEndpoint() {
    Reconnects r = new Reconnects(List.of(A, B));
    assertThat(r.ended(Reconnects.Cause.LOCAL)).isBetween(62L, 250L);
    assertThat(r.current()).isEqualTo(A);
  }
}
