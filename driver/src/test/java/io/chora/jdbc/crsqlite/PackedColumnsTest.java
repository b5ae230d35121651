package io.chora.jdbc.crsqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.crsqlite.CrSqlite;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keys packed in Java are the bytes cr-sqlite's own {@code crsql_pack_columns} makes. */
class PackedColumnsTest {
  private static final List<Object> VALUES =
      Arrays.asList(
          0L,
          1L,
          127L,
          128L,
          255L,
          256L,
          65535L,
          65536L,
          1L << 31,
          Long.MAX_VALUE,
          -1L,
          -128L,
          Long.MIN_VALUE,
          1.5,
          -0.0,
          1e308,
          Double.NEGATIVE_INFINITY,
          "",
          "x",
          "héllo 🌍",
          "a".repeat(300),
          new byte[0],
          new byte[] {0, (byte) 0xff},
          new byte[70_000],
          null);

  private static Connection sqlite;

  @BeforeAll
  static void load() throws SQLException {
    sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    CrSqlite.load(sqlite);
  }

  @AfterAll
  static void close() throws SQLException {
    try (Statement st = sqlite.createStatement()) {
      st.execute("SELECT crsql_finalize()");
    }
    sqlite.close();
  }

  @Test
  void eachValueAloneIsPackedAsCrSqlitePacksIt() throws SQLException {
    for (Object value : VALUES) {
      List<Object> one = Arrays.asList(value);
      assertThat(PackedColumns.pack(one)).as("%s", value).isEqualTo(crSqlitePack(one));
      assertThat(PackedColumns.unpack(crSqlitePack(one)))
          .usingElementComparator(PackedColumnsTest::compare)
          .containsExactlyElementsOf(one);
    }
  }

  @Test
  void compositeKeysRoundTrip() throws SQLException {
    List<Object> key = Arrays.asList("k", -7L, new byte[] {1, 2}, 2.5, null);
    assertThat(PackedColumns.pack(key)).isEqualTo(crSqlitePack(key));
    assertThat(PackedColumns.unpack(PackedColumns.pack(key)))
        .usingElementComparator(PackedColumnsTest::compare)
        .containsExactlyElementsOf(key);
  }

  @Test
  void malformedBytesAreAnError() {
    assertThatThrownBy(() -> PackedColumns.unpack(new byte[] {2, 9, 1}))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("malformed cr-sqlite primary key");
    assertThatThrownBy(() -> PackedColumns.unpack(new byte[] {1, 9, 1, 0}))
        .hasMessageContaining("left over");
    assertThatThrownBy(() -> PackedColumns.unpack(new byte[] {1, 7}))
        .hasMessageContaining("unknown type");
  }

  private static byte[] crSqlitePack(List<Object> values) throws SQLException {
    String marks = String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    try (PreparedStatement ps =
        sqlite.prepareStatement("SELECT crsql_pack_columns(" + marks + ")")) {
      for (int i = 0; i < values.size(); i++) {
        ps.setObject(i + 1, values.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBytes(1);
      }
    }
  }

  private static int compare(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compare(x, y);
    }
    if (a instanceof Double x && b instanceof Double y) {
      return Long.compare(Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(y));
    }
    return java.util.Objects.equals(a, b) ? 0 : 1;
  }
}
