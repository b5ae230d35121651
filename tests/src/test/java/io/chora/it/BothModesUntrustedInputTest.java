package io.chora.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.age.Age;
import io.chora.age.X25519Identity;
import io.chora.jdbc.testing.DeviceKeys;
import io.chora.jdbc.testing.SyncMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs to {@code apply(InputStream)} that are no plain change set, in both modes: an age file
 * given to a replica without a key (refused as encrypted, by name), compressed or non-UTF-8 bytes,
 * JSON that is no object, and sets signed or not against what the receiver checks (chora.sign).
 * Each is refused with an SQLException that says what the input is, the file byte for byte
 * unchanged ({@link ModePair}). The field-by-field cases are {@link BothModesUntrustedWireTest}.
 */
class BothModesUntrustedInputTest {
  @TempDir Path dir;

  static Stream<Arguments> inputs() {
    return BothModesUntrustedWireTest.inBothModes(
        Stream.of(
            input(
                "an age file", j -> age(j, false), "age-encrypted (it starts with age-encryption"),
            input("an armored age file", j -> age(j, true), "BEGIN AGE ENCRYPTED FILE"),
            input(
                "an armored age file after blank lines",
                j -> concat("\n\n  ".getBytes(UTF_8), age(j, true)),
                "age-encrypted"),
            input("gzip of the set", BothModesUntrustedInputTest::gzip, "not valid JSON"),
            input("bytes that are not UTF-8", j -> latin1(j, "ÿ"), "Invalid UTF-8"),
            input("a NUL byte before the set", j -> concat(new byte[] {0}, utf8(j)), "not valid"),
            input("only blanks", j -> utf8(" \n\t "), "found end of input"),
            input("JSON null", j -> utf8("null"), "expected a change set object, found null"),
            input(
                "a JSON number", j -> utf8("42"), "expected a change set object, found an integer"),
            input(
                "a JSON string",
                j -> utf8("\"set\""),
                "expected a change set object, found a string"),
            input("the set in an array", j -> utf8("[" + j + "]"), "found an array"),
            input(
                "100,000 nested arrays",
                j -> utf8("[".repeat(100_000)),
                "expected a change set object, found an array"),
            input("a field name cut by the end", j -> utf8("{\"form"), "cut short")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("inputs")
  void anInputThatIsNoPlainSetIsRefusedAndChangesNothing(
      SyncMode mode, String name, Bytes input, String problem) throws Exception {
    try (ModePair pair = new ModePair(mode, dir)) {
      byte[] bad = input.of(pair.valid.toJson());
      pair.assertRefused(name, () -> pair.receiver().apply(new ByteArrayInputStream(bad)), problem);
    }
  }

  /** A set exported unsigned, to a receiver that takes signed sets only. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void anUnsignedSetIsRefusedByAReceiverThatChecksSignatures(SyncMode mode) throws Exception {
    Path members = dir.resolve("members.txt");
    Path key = DeviceKeys.member(dir, members, "b");
    try (ModePair pair = new ModePair(mode, dir, "", signing(key, members))) {
      byte[] unsigned = export(pair);
      pair.assertRefused(
          "unsigned",
          () -> pair.receiver().apply(new ByteArrayInputStream(unsigned)),
          "no signature");
    }
  }

  /** A set signed by a key the receiver's members file does not list. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aSetSignedByANonMemberIsRefused(SyncMode mode) throws Exception {
    Path members = dir.resolve("members.txt");
    Path outsider = DeviceKeys.member(dir, dir.resolve("outsiders.txt"), "a");
    Path key = DeviceKeys.member(dir, members, "b");
    try (ModePair pair =
        new ModePair(
            mode, dir, signing(outsider, dir.resolve("outsiders.txt")), signing(key, members))) {
      byte[] signed = export(pair);
      assertThat(new String(signed, UTF_8)).contains("\nchora-signature/1 ");
      pair.assertRefused(
          "not a member",
          () -> pair.receiver().apply(new ByteArrayInputStream(signed)),
          "not a member");
    }
  }

  /** A member's signed set whose bytes were changed after signing, or whose signature was cut. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aSignedSetChangedOrCutAfterSigningIsRefused(SyncMode mode) throws Exception {
    Path members = dir.resolve("members.txt");
    Path keyA = DeviceKeys.member(dir, members, "a");
    Path keyB = DeviceKeys.member(dir, members, "b");
    Map<String, UnaryOperator<String>> edits = new LinkedHashMap<>();
    edits.put("changed after", s -> s.replaceFirst("\"second\"", "\"sec0nd\""));
    edits.put("signature", s -> s.substring(0, s.indexOf("\nchora-signature/1 ") + 30));
    edits.put("no signature", s -> s.substring(0, s.indexOf("\nchora-signature/1 ")));
    for (Map.Entry<String, UnaryOperator<String>> edit : edits.entrySet()) {
      Path own = Files.createDirectories(dir.resolve(edit.getKey().replace(' ', '-')));
      try (ModePair pair =
          new ModePair(mode, own, signing(keyA, members), signing(keyB, members))) {
        String signed = new String(export(pair), UTF_8);
        String bad = edit.getValue().apply(signed);
        assertThat(bad).isNotEqualTo(signed);
        pair.assertRefused(edit.getKey(), () -> pair.receiver().apply(wire(bad)), edit.getKey());
      }
    }
  }

  /** A member's signed set to a receiver that does not check signatures: refused by name. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void aSignedSetToAReceiverThatDoesNotCheckIsRefusedByName(SyncMode mode) throws Exception {
    Path members = dir.resolve("members.txt");
    Path keyA = DeviceKeys.member(dir, members, "a");
    try (ModePair pair = new ModePair(mode, dir, signing(keyA, members), "")) {
      byte[] signed = export(pair);
      pair.assertRefused(
          "signed to an unsigned replica",
          () -> pair.receiver().apply(new ByteArrayInputStream(signed)),
          "looks like a chora-signature line");
    }
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** Bytes made from the valid set's JSON. */
  interface Bytes {
    byte[] of(String json) throws Exception;
  }

  private static Arguments input(String name, Bytes bytes, String problem) {
    return Arguments.of(name, bytes, problem);
  }

  private static String signing(Path key, Path members) {
    return "chora.sign=" + key + ".sign&chora.recipients=" + members;
  }

  /** What a exports for b as a stream (signed when a signs). */
  private static byte[] export(ModePair pair) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pair.sender().changesSince(pair.receiver().clock(), out);
    return out.toByteArray();
  }

  private static byte[] age(String json, boolean armor) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream sealed = Age.encrypt(out, armor, X25519Identity.generate().recipient())) {
      sealed.write(json.getBytes(UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] gzip(String json) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream zipped = new GZIPOutputStream(out)) {
      zipped.write(json.getBytes(UTF_8));
    }
    return out.toByteArray();
  }

  /** The set with {@code text} put into its first string as ISO-8859-1: a byte UTF-8 lacks. */
  private static byte[] latin1(String json, String text) {
    UnaryOperator<String> edit = JsonEdits.edit("\"second\"", "\"sec" + text + "nd\"");
    return edit.apply(json).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static ByteArrayInputStream wire(String text) {
    return new ByteArrayInputStream(text.getBytes(UTF_8));
  }
}
