package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {
  // From the age specification (c2sp.org/age, "The X25519 recipient type").
  private static final String SPEC_IDENTITY =
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
  private static final String SPEC_RECIPIENT =
      "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

  @Test
  void specificationExampleKeyHasItsRecipient() {
    X25519Identity identity = X25519Identity.parse(SPEC_IDENTITY);
    assertThat(identity.toString()).isEqualTo(SPEC_IDENTITY);
    assertThat(identity.recipient().toString()).isEqualTo(SPEC_RECIPIENT);
    assertThat(X25519Recipient.parse(SPEC_RECIPIENT)).isEqualTo(identity.recipient());
  }

  @Test
  void generatedKeysRoundTripThroughTheirStrings() {
    X25519Identity identity = X25519Identity.generate();
    assertThat(identity.toString()).startsWith("AGE-SECRET-KEY-1").hasSize(74);
    assertThat(identity.recipient().toString()).startsWith("age1").hasSize(62);
    assertThat(X25519Identity.parse(identity.toString()).recipient())
        .isEqualTo(identity.recipient());
    assertThat(X25519Recipient.parse(identity.recipient().toString()))
        .isEqualTo(identity.recipient());
  }

  @Test
  void secretKeysAreUpperCaseAndRecipientsLowerCase() {
    assertThatThrownBy(() -> X25519Identity.parse(SPEC_IDENTITY.toLowerCase(Locale.ROOT)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> X25519Recipient.parse(SPEC_RECIPIENT.toUpperCase(Locale.ROOT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "age1",
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwJ", // mixed case
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq", // checksum
        "agf1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", // prefix
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
      })
  void malformedRecipientsAreRefusedWithoutEchoingThem(String text) {
    assertThatThrownBy(() -> X25519Recipient.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> {
              if (text.length() > 10) {
                assertThat(e.getMessage()).doesNotContain(text);
              }
            });
  }

  @Test
  void keysMustBe32Bytes() {
    String shortRecipient = Bech32.encode("age", new byte[31]);
    assertThatThrownBy(() -> X25519Recipient.parse(shortRecipient))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    String longIdentity = Bech32.encode("AGE-SECRET-KEY-", new byte[33]);
    assertThatThrownBy(() -> X25519Identity.parse(longIdentity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void aDamagedSecretKeyIsNotRepeatedInTheError() {
    String damaged = SPEC_IDENTITY.substring(0, 40) + "Q" + SPEC_IDENTITY.substring(41);
    assertThatThrownBy(() -> X25519Identity.parse(damaged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("GFPYYSJZ"));
  }
}
