package io.chora.jdbc.crsqlite;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * cr-sqlite's packed primary keys (the {@code pk} column of {@code crsql_changes}, what {@code
 * crsql_pack_columns} makes): a column count, then per column a header byte (type in the low 3
 * bits, a byte count in the rest) and its payload. Integers take the fewest big-endian bytes
 * (negative ones all 8), reals 8 bytes of IEEE 754, text (UTF-8) and blobs a length then their
 * bytes. The wire carries keys unpacked, so that they are checked against the table like any value.
 */
final class PackedColumns {
  private static final int INTEGER = 1;
  private static final int REAL = 2;
  private static final int TEXT = 3;
  private static final int BLOB = 4;
  private static final int NULL = 5;

  private PackedColumns() {}

  static byte[] pack(List<Object> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(values.size());
    for (Object value : values) {
      if (value == null) {
        out.write(NULL);
      } else if (value instanceof Long l) {
        int n = l < 0 ? 8 : (64 - Long.numberOfLeadingZeros(l) + 7) / 8;
        out.write(n << 3 | INTEGER);
        writeBigEndian(out, l, n);
      } else if (value instanceof Double d) {
        out.write(REAL);
        writeBigEndian(out, Double.doubleToRawLongBits(d), 8);
      } else {
        byte[] bytes =
            value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
        int n = (64 - Long.numberOfLeadingZeros(bytes.length) + 7) / 8;
        out.write(n << 3 | (value instanceof String ? TEXT : BLOB));
        writeBigEndian(out, bytes.length, n);
        out.writeBytes(bytes);
      }
    }
    return out.toByteArray();
  }

  private static void writeBigEndian(ByteArrayOutputStream out, long value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)));
    }
  }

  /** The values of a packed key; a malformed one (it comes from the database) is an error. */
  static List<Object> unpack(byte[] packed) throws SQLException {
    try {
      ByteBuffer in = ByteBuffer.wrap(packed);
      int count = Byte.toUnsignedInt(in.get());
      List<Object> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int header = Byte.toUnsignedInt(in.get());
        int n = header >>> 3;
        switch (header & 7) {
          case NULL -> values.add(null);
          case INTEGER -> values.add(readBigEndian(in, n));
          case REAL -> values.add(in.getDouble());
          case TEXT, BLOB -> {
            byte[] bytes = new byte[Math.toIntExact(readBigEndian(in, n))];
            in.get(bytes);
            values.add((header & 7) == TEXT ? new String(bytes, StandardCharsets.UTF_8) : bytes);
          }
          default -> throw new IllegalArgumentException("unknown type " + (header & 7));
        }
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes left over");
      }
      return values;
    } catch (RuntimeException e) {
      throw new SQLException("chora: malformed cr-sqlite primary key: " + e, e);
    }
  }

  private static long readBigEndian(ByteBuffer in, int bytes) {
    if (bytes > 8) {
      throw new IllegalArgumentException(bytes + "-byte number");
    }
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = value << 8 | Byte.toUnsignedInt(in.get());
    }
    return value;
  }
}
