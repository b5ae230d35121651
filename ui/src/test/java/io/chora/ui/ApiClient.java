package io.chora.ui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.json.Json;

/** Calls the running page's API as a script would, and reads its JSON answers. */
final class ApiClient {
  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"chora-csrf\" content=\"([^\"]+)\">");
  private static final Json JSON = new Json(); // Selenium's, already on the test class path

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  /** {@code base} is the page's address ending in a slash, e.g. http://127.0.0.1:1234/. */
  ApiClient(String base) {
    this.base = base;
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  HttpResponse<String> post(String path, String... headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** A POST as the page sends it: with the CSRF token it carries. */
  HttpResponse<String> postAsPage(String path) {
    return post(path, AccessGuard.CSRF_HEADER, csrfToken());
  }

  String csrfToken() {
    Matcher m = CSRF_META.matcher(get("").body());
    if (!m.find()) {
      throw new AssertionError("the page has no CSRF meta tag");
    }
    return m.group(1);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(HttpResponse<String> response) {
    return JSON.toType(response.body(), Map.class);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> conflicts(HttpResponse<String> response) {
    return (List<Map<String, Object>>) json(response).get("conflicts");
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
