package io.chora.spring.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Turns {@link ChoraProperties} into the driver's connection properties ({@code chora.site}, ...).
 * Only what is set goes in, so the driver keeps its own defaults and its own checks: a bad value is
 * refused by the driver with its message, at the first connection.
 */
final class ChoraDriverOptions {
  static final String URL_PROPERTY = "spring.datasource.url";
  static final String URL_PREFIX = "jdbc:chora:";

  private ChoraDriverOptions() {}

  /**
   * Binds {@code chora.*} straight from the environment: a BeanPostProcessor runs before the
   * binding of {@code @ConfigurationProperties} beans is guaranteed to, so it cannot take one.
   */
  static ChoraProperties bind(Environment environment) {
    return Binder.get(environment)
        .bind("chora", ChoraProperties.class)
        .orElseGet(ChoraProperties::new);
  }

  static boolean isChoraUrl(String url) {
    return url != null && url.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
  }

  static Properties of(ChoraProperties settings) {
    Properties options = new Properties();
    put(options, "chora.site", settings.getSite());
    if (settings.getMode() != null) {
      options.setProperty("chora.mode", settings.getMode().name().toLowerCase(Locale.ROOT));
    }
    put(options, "chora.tables", list(settings.getTables()));
    put(options, "chora.counters", list(settings.getCounters()));
    if (settings.getMaxValueBytes() != null) {
      options.setProperty(
          "chora.maxValueBytes", Long.toString(settings.getMaxValueBytes().toBytes()));
    }
    ChoraProperties.Hub hub = settings.getHub();
    put(options, "chora.hub", hub.getUrl());
    if (hub.getToken() != null && hub.getTokenFile() != null) {
      throw new IllegalStateException(
          "chora.hub.token and chora.hub.token-file are both set: keep one (the file)");
    }
    put(
        options,
        "chora.hub.token",
        hub.getTokenFile() != null ? token(hub.getTokenFile()) : hub.getToken());
    put(options, "chora.encrypt", path(settings.getEncrypt()));
    put(options, "chora.recipients", path(settings.getRecipients()));
    return options;
  }

  private static void put(Properties options, String key, String value) {
    if (value != null && !value.isBlank()) {
      options.setProperty(key, value.strip());
    }
  }

  private static String list(List<String> values) {
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  private static String path(Path path) {
    return path == null ? null : path.toString();
  }

  /** The same reading as {@code chora sync --token-file}: the file's text, stripped. */
  private static String token(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chora.hub.token-file: cannot read " + file + ": " + e.getMessage(), e);
    }
    if (token.isEmpty()) {
      throw new IllegalStateException("chora.hub.token-file: " + file + " is empty");
    }
    return token;
  }
}
