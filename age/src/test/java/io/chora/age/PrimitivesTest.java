package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers for the primitives age is built from, so a JDK quirk cannot hide. */
class PrimitivesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hkdfSha256MatchesRfc5869TestCases1And3() {
    byte[] ikm = HEX.parseHex("0b".repeat(22));
    // Test case 1 (first 32 of its 42 bytes: age always takes 32).
    assertThat(
            Hkdf.derive(
                ikm,
                HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9")))
        .isEqualTo(
            HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"));
    // Test case 3: empty salt and info, as in age's header key.
    assertThat(Hkdf.derive(ikm, new byte[0], new byte[0]))
        .isEqualTo(
            HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"));
  }

  @Test
  void x25519MatchesRfc7748Section61() throws InvalidKeyException {
    byte[] alicePrivate =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPrivate =
        HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePublic =
        HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    byte[] bobPublic =
        HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    byte[] shared =
        HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertThat(X25519.publicKey(alicePrivate)).isEqualTo(alicePublic);
    assertThat(X25519.publicKey(bobPrivate)).isEqualTo(bobPublic);
    assertThat(X25519.multiply(alicePrivate, bobPublic)).isEqualTo(shared);
    assertThat(X25519.multiply(bobPrivate, alicePublic)).isEqualTo(shared);
  }

  @Test
  void x25519ReducesNonCanonicalPointsAsRfc7748Requires() throws InvalidKeyException {
    byte[] scalar = TestData.random(32, 8);
    byte[] nine = new byte[32];
    nine[0] = 9;
    byte[] ninePlusP = HEX.parseHex("f6" + "ff".repeat(30) + "7f"); // 9 + 2^255 - 19
    byte[] nineWithTopBit = nine.clone();
    nineWithTopBit[31] = (byte) 0x80; // the unused top bit must be masked
    byte[] expected = X25519.publicKey(scalar);
    assertThat(X25519.multiply(scalar, nine)).isEqualTo(expected);
    assertThat(X25519.multiply(scalar, ninePlusP)).isEqualTo(expected);
    assertThat(X25519.multiply(scalar, nineWithTopBit)).isEqualTo(expected);
  }

  @Test
  void x25519RefusesLowOrderPoints() {
    byte[] scalar = TestData.random(32, 7);
    assertThatThrownBy(() -> X25519.multiply(scalar, new byte[32]))
        .isInstanceOf(InvalidKeyException.class);
    byte[] one = new byte[32];
    one[0] = 1;
    assertThatThrownBy(() -> X25519.multiply(scalar, one)).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void strictBase64AcceptsOnlyCanonicalUnpaddedText() {
    assertThat(Base64Strict.decode("AQI"))
        .hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
    assertThat(Base64Strict.decode("")).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(Base64Strict.decode("AQI=")).isEmpty(); // padding
    assertThat(Base64Strict.decode("AQJ")).isEmpty(); // non-zero spare bits
    assertThat(Base64Strict.decode("AQ\nI")).isEmpty();
    assertThat(Base64Strict.decode("A")).isEmpty();
    assertThat(Base64Strict.decode("AQ-_")).isEmpty(); // URL alphabet
  }
}
