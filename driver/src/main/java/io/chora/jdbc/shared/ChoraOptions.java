package io.chora.jdbc.shared;

import io.chora.jdbc.hub.HubAddress;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * A parsed {@code jdbc:chora:} URL: the chora options, and the URL and properties that go to
 * sqlite-jdbc with every {@code chora.*} key taken out. Options come from the URL's query string or
 * from connection properties; the URL wins when both name the same key.
 */
public final class ChoraOptions {
  public static final String PREFIX = "jdbc:chora:";
  public static final String SITE = "chora.site";
  public static final String MODE = "chora.mode";
  public static final String TABLES = "chora.tables";
  public static final String MAX_VALUE_BYTES = "chora.maxValueBytes";
  public static final String HUB = "chora.hub";
  public static final String HUB_TOKEN = "chora.hub.token";
  public static final String ENCRYPT = "chora.encrypt";
  public static final String RECIPIENTS = "chora.recipients";
  public static final String SIGN = "chora.sign";
  public static final String COUNTERS = "chora.counters";
  private static final List<String> KEYS =
      List.of(
          SITE, MODE, TABLES, MAX_VALUE_BYTES, HUB, HUB_TOKEN, ENCRYPT, RECIPIENTS, SIGN, COUNTERS);
  private static final long DEFAULT_MAX_VALUE_BYTES = 16L << 20;

  public final String sqliteUrl;
  public final String sqliteAddress;
  public final Properties sqliteProperties;
  public final String site;
  public final Set<String> tables;
  public final long maxValueBytes;

  /**
   * The counting columns ({@code chora.counters}): {@code table.column} in lower case, empty for
   * none. Where a statement increments one ({@code SET n = n + 1}), the increment is added up with
   * every other replica's instead of overwriting it.
   */
  public final Set<String> counters;

  /** The hub to sync with live, or null. */
  public final HubAddress hub;

  /**
   * How sets this replica sends are signed and received ones checked ({@code chora.sign}, on by
   * default with {@code chora.encrypt}); null when off.
   */
  public final SetSignatures signatures;

  /** chora.mode=crsqlite: cr-sqlite's native engine instead of java mode's capture. */
  public final boolean crsqlite;

  private ChoraOptions(
      String sqliteAddress,
      Properties sqliteProperties,
      String site,
      Set<String> tables,
      long maxValueBytes,
      Set<String> counters,
      HubAddress hub,
      SetSignatures signatures,
      boolean crsqlite) {
    this.sqliteUrl = "jdbc:sqlite:" + sqliteAddress;
    this.sqliteAddress = sqliteAddress;
    this.sqliteProperties = sqliteProperties;
    this.site = site;
    this.tables = tables;
    this.maxValueBytes = maxValueBytes;
    this.counters = counters;
    this.hub = hub;
    this.signatures = signatures;
    this.crsqlite = crsqlite;
  }

  /** The same database without the hub: what the hub client's own connection opens. */
  public ChoraOptions withoutHub() {
    return new ChoraOptions(
        sqliteAddress,
        sqliteProperties,
        site,
        tables,
        maxValueBytes,
        counters,
        null,
        signatures,
        crsqlite);
  }

  public static boolean accepts(String url) {
    return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  public static ChoraOptions parse(String url, Properties info) throws SQLException {
    if (!accepts(url)) {
      throw new SQLException("not a chora URL (expected " + PREFIX + "...): " + url);
    }
    Properties chora = new Properties();
    Properties passOn = new Properties();
    if (info != null) {
      for (String key : info.stringPropertyNames()) {
        (isChoraKey(key) ? chora : passOn).setProperty(key, info.getProperty(key));
      }
    }
    String address = url.substring(PREFIX.length()).trim();
    int query = address.indexOf('?');
    if (query >= 0) {
      StringBuilder kept = new StringBuilder();
      for (String param : address.substring(query + 1).split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        if (isChoraKey(key)) {
          chora.setProperty(key, eq < 0 ? "" : param.substring(eq + 1));
        } else if (!param.isEmpty()) {
          kept.append(kept.length() == 0 ? "" : "&").append(param);
        }
      }
      address = address.substring(0, query) + (kept.length() == 0 ? "" : "?" + kept);
    }
    for (String key : chora.stringPropertyNames()) {
      if (!KEYS.contains(key)) {
        throw new SQLException(
            "unknown chora option '" + key + "'; known options are " + String.join(", ", KEYS));
      }
    }
    boolean crsqlite = crsqlite(chora.getProperty(MODE, "java"));
    if (crsqlite && chora.getProperty(SITE) != null) {
      throw new SQLException(
          "chora.site cannot be chosen with chora.mode=crsqlite: cr-sqlite makes each replica's"
              + " site id (ChoraConnection.siteId() tells it); leave chora.site out");
    }
    Set<String> counters = counters(chora.getProperty(COUNTERS));
    if (crsqlite && !counters.isEmpty()) {
      throw new SQLException(
          "chora.counters cannot be used with chora.mode=crsqlite: cr-sqlite merges every column"
              + " as last writer wins, so concurrent increments would be lost; use chora.mode=java"
              + " or leave chora.counters out");
    }
    HubAddress hub = // its errors first: a misplaced option is named before a missing key
        HubAddress.parse(
            chora.getProperty(HUB),
            chora.getProperty(HUB_TOKEN),
            address,
            chora.getProperty(ENCRYPT),
            chora.getProperty(RECIPIENTS),
            SetSignatures.wanted(chora.getProperty(SIGN), chora.getProperty(ENCRYPT)));
    SetSignatures signatures =
        SetSignatures.configure(
            chora.getProperty(SIGN), chora.getProperty(ENCRYPT), chora.getProperty(RECIPIENTS));
    return new ChoraOptions(
        address,
        passOn,
        SiteIds.checkOption(chora.getProperty(SITE)),
        tables(chora.getProperty(TABLES)),
        maxValueBytes(chora.getProperty(MAX_VALUE_BYTES)),
        counters,
        hub == null ? null : hub.signedWith(signatures),
        signatures,
        crsqlite);
  }

  /** Whether {@code mode} is crsqlite; java is the other one. */
  private static boolean crsqlite(String mode) throws SQLException {
    return switch (mode) {
      case "java" -> false;
      case "crsqlite" -> true;
      default -> throw new SQLException("chora.mode must be java or crsqlite, not '" + mode + "'");
    };
  }

  private static boolean isChoraKey(String key) {
    return key.toLowerCase(Locale.ROOT).startsWith("chora.");
  }

  private static long maxValueBytes(String value) throws SQLException {
    if (value == null) {
      return DEFAULT_MAX_VALUE_BYTES;
    }
    try {
      long bytes = Long.parseLong(value.strip());
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SQLException(
        "chora.maxValueBytes must be a positive number of bytes: '" + value + "'");
  }

  private static Set<String> tables(String list) throws SQLException {
    if (list == null) {
      return null;
    }
    Set<String> tables = new LinkedHashSet<>();
    for (String name : list.split(",")) {
      if (!name.isBlank()) {
        tables.add(name.strip());
      }
    }
    if (tables.isEmpty()) {
      throw new SQLException("chora.tables is empty; leave it out to track every table");
    }
    return tables;
  }

  /**
   * {@code none}, or {@code table.column,…}: each entry names one column, split at its last dot.
   */
  private static Set<String> counters(String list) throws SQLException {
    if (list == null || list.strip().equalsIgnoreCase("none")) {
      return Set.of();
    }
    Set<String> counters = new LinkedHashSet<>();
    for (String entry : list.split(",")) {
      String name = entry.strip();
      int dot = name.lastIndexOf('.');
      if (dot <= 0 || dot == name.length() - 1) {
        throw new SQLException(
            "chora.counters takes table.column entries separated by commas (or none), not '"
                + entry
                + "'");
      }
      counters.add(name.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(counters);
  }

  public static DriverPropertyInfo[] propertyInfo(Properties info) {
    List<DriverPropertyInfo> props = new ArrayList<>();
    props.add(
        describe(
            info,
            SITE,
            "Site id of this replica, used on first open; later opens keep the stored one"));
    DriverPropertyInfo mode =
        describe(info, MODE, "Capture mode: java (triggers and a change log) or crsqlite");
    mode.choices = new String[] {"java", "crsqlite"};
    props.add(mode);
    props.add(
        describe(
            info,
            TABLES,
            "Comma-separated tables to track; default every table with a primary key"));
    props.add(
        describe(
            info,
            MAX_VALUE_BYTES,
            "Largest value a received change set may carry, in bytes (default 16 MiB)"));
    props.add(
        describe(
            info,
            HUB,
            "Hub to sync with live, ws://HOST:PORT/WORKSPACE (or wss://), or a comma-separated"
                + " list of one hub's instances; needs chora.hub.token"));
    props.add(describe(info, HUB_TOKEN, "The workspace's token on the hub"));
    props.add(
        describe(
            info,
            ENCRYPT,
            "This device's age identity file: hub payloads are encrypted end to end with it"));
    props.add(describe(info, RECIPIENTS, "The workspace's members: an age recipients file"));
    props.add(
        describe(
            info,
            SIGN,
            "This device's signing key file, or off: sets it sends are signed and only members'"
                + " signed sets are taken (default with chora.encrypt: its identity file + .sign)"));
    props.add(
        describe(
            info,
            COUNTERS,
            "Counting columns, table.column,...: their increments (SET n = n + 1) add up across"
                + " replicas (java mode)"));
    return props.toArray(new DriverPropertyInfo[0]);
  }

  private static DriverPropertyInfo describe(Properties info, String key, String description) {
    DriverPropertyInfo p = new DriverPropertyInfo(key, info == null ? null : info.getProperty(key));
    p.description = description;
    p.required = false;
    return p;
  }
}
