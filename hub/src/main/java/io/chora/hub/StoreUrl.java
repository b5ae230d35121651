package io.chora.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PostgreSQL store's JDBC URL ({@code jdbc:postgresql://host:port/db?user=…}) and the password,
 * from the URL's {@code password} parameter or given apart (the CLI reads {@value #PASSWORD_ENV}).
 * {@link #toString} masks the password: configs end up in logs.
 */
public record StoreUrl(String url, String password) {
  /** The environment variable the {@code chora hub} command takes the password from. */
  public static final String PASSWORD_ENV = "CHORA_HUB_STORE_PASSWORD";

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");

  public StoreUrl {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "a hub store is jdbc:postgresql://HOST:PORT/DATABASE (the default store is SQLite files"
              + " in the data directory): "
              + masked(url));
    }
    if (url.length() > 2048) {
      throw new IllegalArgumentException("the store URL is longer than 2048 characters");
    }
  }

  static String masked(String url) {
    return PASSWORD_PARAM.matcher(url).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return masked(url);
  }
}
