package io.chora.jdbc.shared;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Site ids as both engines check them. Java mode's are 1-64 letters, digits, '.', '_', ':' or '-'
 * (chosen by the user or a random UUID); native mode's are cr-sqlite's site id in hex with the mark
 * {@value #NATIVE_MARK}, which java mode's never contain: the mark tells the modes' sets apart.
 */
public final class SiteIds {
  /** How native-mode (cr-sqlite) replicas' site ids end. */
  public static final String NATIVE_MARK = "@crsqlite";

  private static final Pattern JAVA_SITE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** {@link #isJavaSite} in words, for messages that say what a site id may be. */
  public static final String RULE = "1-64 characters of letters, digits, '.', '_', ':' or '-'";

  private SiteIds() {}

  public static boolean isNative(String site) {
    return site != null && site.endsWith(NATIVE_MARK);
  }

  /** Whether {@code site} is a valid java-mode site id. */
  public static boolean isJavaSite(String site) {
    return site != null && JAVA_SITE.matcher(site).matches();
  }

  /** A site id the user asked for ({@code chora.site}, a clone's name), or null; else an error. */
  public static String checkOption(String site) throws SQLException {
    if (site != null && !isJavaSite(site)) {
      throw new SQLException("chora.site must be " + RULE + ": '" + site + "'");
    }
    return site;
  }

  /** A java-mode site id from a change set ({@code what} names where it stood), or a refusal. */
  public static String checkJava(String site, String what) throws SQLException {
    if (!isJavaSite(site)) {
      throw Refusals.changeSet(
          what + " site id is not 1-64 letters, digits, '.', '_', ':' or '-': '" + site + "'");
    }
    return site;
  }
}
