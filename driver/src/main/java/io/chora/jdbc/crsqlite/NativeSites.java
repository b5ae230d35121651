package io.chora.jdbc.crsqlite;

import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.SiteIds;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Site ids of native-mode replicas: cr-sqlite's 16-byte {@code crsql_site_id()} in hex, marked
 * {@code @crsqlite}, e.g. {@code 4cde551229ec4d319b72e6eaaf1a6453@crsqlite}. The mark is what tells
 * a native change set from a java-mode one: java mode's site ids never contain '@' (its validator
 * refuses the set at its first check), and native mode refuses any site id without the mark.
 */
final class NativeSites {
  static final String MARK = SiteIds.NATIVE_MARK;
  private static final int BYTES = 16;

  private NativeSites() {}

  static String format(byte[] siteId) {
    return HexFormat.of().formatHex(siteId) + MARK;
  }

  static boolean isNative(String site) {
    return SiteIds.isNative(site);
  }

  /** The 16 bytes of a native site id; anything else is refused, naming what it got. */
  static byte[] parse(String site) throws SQLException {
    if (!isNative(site) || site.length() != BYTES * 2 + MARK.length()) {
      throw Refusals.changeSet(
          "'" + site + "' is not a native-mode site id (32 hex digits" + MARK + ")");
    }
    try {
      return HexFormat.of().parseHex(site, 0, BYTES * 2);
    } catch (IllegalArgumentException e) {
      throw Refusals.changeSet("site id '" + site + "' is not hexadecimal");
    }
  }
}
