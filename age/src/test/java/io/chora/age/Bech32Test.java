package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BIP 173 vectors, as age's own bech32 tests use them (age drops the 90-character limit). */
class Bech32Test {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"
      })
  void validStringsDecodeAndReEncodeIdentically(String text) {
    Bech32.Decoded decoded = Bech32.decode(text);
    assertThat(Bech32.encode(decoded.hrp(), decoded.data())).isEqualTo(text);
    // One changed character after the separator breaks the checksum.
    int pos = text.lastIndexOf('1') + 1;
    String flipped =
        text.substring(0, pos) + (char) (text.charAt(pos) ^ 1) + text.substring(pos + 1);
    assertThatThrownBy(() -> Bech32.decode(flipped)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e2w", // checksum
        "s lit1checkupstagehandshakeupstreamerranterredcaperredp8hs2p", // space in prefix
        "split1cheo2y9e2w", // 'o' is not in the alphabet
        "split1a2y9w", // data too short for a checksum
        "1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", // empty prefix
        "spl\u007ft1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", // DEL in prefix
        "pzry9x0s0muk", // no separator
        "1pzry9x0s0muk",
        "x1b4n0q5v",
        "li1dgmt3",
        "de1lg7wt\u00ff",
        "A1G7SGD8", // checksum computed over upper case
        "10a06t8",
        "1qzzfhee"
      })
  void invalidStringsAreRefused(String text) {
    assertThatThrownBy(() -> Bech32.decode(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
