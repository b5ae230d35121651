package io.chora.jdbc.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.hub.HubProtocol.Envelope;
import io.chora.jdbc.hub.HubProtocol.Message;
import io.chora.sync.VectorClock;
import org.junit.jupiter.api.Test;

class HubProtocolTest {
  @Test
  void pushAndEnvelopeCarryTheSameFields() {
    Envelope e =
        new Envelope(
            "a", 3, 5, VectorClock.parse("{b=2, c=7}"), "cGF5bG9hZA==", java.util.List.of());
    Message m = HubProtocol.read(HubProtocol.push(e).replace("\"push\"", "\"envelope\""));
    assertThat(m.type()).isEqualTo("envelope");
    assertThat(m.envelope()).isEqualTo(e);
  }

  @Test
  void helloCarriesSiteVersionAndClock() {
    Message m =
        HubProtocol.read(
            HubProtocol.hello("laptop", VectorClock.parse("{laptop=4}"), java.util.List.of()));
    assertThat(m.text("site")).isEqualTo("laptop");
    assertThat(m.number("version")).isEqualTo(1);
    assertThat(m.clock("clock")).isEqualTo(VectorClock.parse("{laptop=4}"));
  }

  @Test
  void unknownFieldsAreIgnoredAndMissingOnesNamed() {
    Message m = HubProtocol.read("{\"type\":\"ack\",\"extra\":[1,{\"x\":2}],\"origin\":\"a\"}");
    assertThat(m.text("origin")).isEqualTo("a");
    assertThatThrownBy(() -> m.number("last")).hasMessageContaining("'last'");
    assertThatThrownBy(() -> HubProtocol.read("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubProtocol.read("{\"clock\":{\"a\":\"x\"}}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
