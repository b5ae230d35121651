package io.chora.jdbc.crsqlite;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.Limits;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Native mode takes the same bounds as java mode ({@code shared.SetBounds}): a set past one is
 * refused naming the field, the receiver's file unchanged, and the honest set is taken after.
 */
class NativeBoundsTest {
  @TempDir Path dir;

  static Stream<Arguments> beyondBounds() {
    return Stream.of(
        Arguments.of(
            "hlc 2^63-1",
            (UnaryOperator<String>)
                j -> j.replaceFirst("\"hlc\":\\d+", "\"hlc\":" + Long.MAX_VALUE),
            "hlc 9223372036854775807"),
        Arguments.of(
            "cl 2^63-1",
            (UnaryOperator<String>)
                j ->
                    j.replaceFirst(
                        "\"kind\":\"update\",\"cl\":1",
                        "\"kind\":\"update\",\"cl\":" + Long.MAX_VALUE),
            "cl 9223372036854775807"),
        Arguments.of(
            "cl past its bound",
            (UnaryOperator<String>)
                j ->
                    j.replaceFirst(
                        "\"kind\":\"update\",\"cl\":1",
                        "\"kind\":\"update\",\"cl\":" + (Limits.CAUSAL_LENGTH_SLACK + 7)),
            "maximum"),
        Arguments.of(
            "header site twice",
            (UnaryOperator<String>) j -> j.replaceFirst("\"site\":", "\"site\":\"x\",\"site\":"),
            "Duplicate field 'site'"),
        Arguments.of(
            "real 1e400",
            (UnaryOperator<String>) j -> j.replace("\"x\":1.5", "\"x\":1e400"),
            "range: 1e400"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondBounds")
  void aNativeSetPastABoundIsRefusedAndChangesNothing(
      String name, UnaryOperator<String> mutation, String problem) throws Exception {
    try (Connection a = open("a");
        Connection b = open("b")) {
      exec(a, "INSERT INTO val VALUES (1, 1.5)");
      String json = SyncMode.chora(a).changesSince(SyncMode.chora(b).clock()).toJson();
      String bad = mutation.apply(json);
      assertThat(bad).as("the mutation changed %s", json).isNotEqualTo(json);
      Path file = dir.resolve("b.db");
      String before = sha256(file);
      Throwable thrown =
          catchThrowable(
              () -> SyncMode.chora(b).apply(new ByteArrayInputStream(bad.getBytes(UTF_8))));
      assertThat(thrown).isInstanceOf(SQLException.class).hasMessageContaining(problem);
      assertThat(sha256(file)).as("bytes of b.db").isEqualTo(before);
      SyncMode.chora(b).apply(new ByteArrayInputStream(json.getBytes(UTF_8)));
      assertThat(rows(b, "SELECT * FROM val")).containsExactly("1|1.5");
    }
  }

  private Connection open(String name) throws SQLException {
    Connection c = SyncMode.CRSQLITE.open(dir, name);
    exec(c, "CREATE TABLE val(id INTEGER PRIMARY KEY NOT NULL, x)");
    return c;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
