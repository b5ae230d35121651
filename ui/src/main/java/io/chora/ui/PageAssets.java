package io.chora.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The page's files, read once from the jar: plain HTML, CSS and JavaScript, nothing fetched from
 * elsewhere. {@code index.html} gets the CSRF token and poll interval filled in.
 */
final class PageAssets {
  private static final String ROOT = "/io/chora/ui/web/";
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";

  /** The files the page loads besides itself, with their content types. */
  static final Map<String, String> STATIC =
      Map.of(
          "app.js", JAVASCRIPT,
          "api.js", JAVASCRIPT,
          "dom.js", JAVASCRIPT,
          "format.js", JAVASCRIPT,
          "overview.js", JAVASCRIPT,
          "conflicts.js", JAVASCRIPT,
          "style.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  private final String indexTemplate = new String(read("index.html"), StandardCharsets.UTF_8);
  private final Map<String, byte[]> files = readAll(STATIC.keySet());

  String index(String csrfToken, long pollMillis) {
    return indexTemplate
        .replace("{{csrf}}", escapeAttribute(csrfToken))
        .replace("{{pollMillis}}", Long.toString(pollMillis));
  }

  byte[] file(String name) {
    return files.get(name);
  }

  private static Map<String, byte[]> readAll(Set<String> names) {
    Map<String, byte[]> files = new HashMap<>();
    names.forEach(name -> files.put(name, read(name)));
    return Map.copyOf(files);
  }

  private static byte[] read(String name) {
    try (InputStream in = PageAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + ROOT + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escapeAttribute(String value) {
    return value
        .replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }
}
