package io.chora.ui;

import java.time.Duration;

/**
 * How the conflict page is served: the address to bind, the access token (required off loopback)
 * and how often the page polls for news. Immutable; start from {@link #defaults()}.
 *
 * @param host the interface to bind; 127.0.0.1 unless the page must be reached from elsewhere
 * @param port the port, or 0 for any free one
 * @param token the secret a browser must present, or null for none (only allowed on loopback)
 * @param pollInterval how often an open page asks whether anything changed
 */
public record UiOptions(String host, int port, String token, Duration pollInterval) {
  /** Long enough that guessing is hopeless even without rate limiting. */
  static final int MIN_TOKEN_LENGTH = 16;

  public UiOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
    }
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "the token must be at least " + MIN_TOKEN_LENGTH + " characters (see randomToken())");
    }
    if (pollInterval == null || pollInterval.toMillis() < 100) {
      throw new IllegalArgumentException("pollInterval must be at least 100 ms");
    }
  }

  /** Loopback, a free port, no token, a poll every two seconds. */
  public static UiOptions defaults() {
    return new UiOptions("127.0.0.1", 0, null, Duration.ofSeconds(2));
  }

  public UiOptions withHost(String host) {
    return new UiOptions(host, port, token, pollInterval);
  }

  public UiOptions withPort(int port) {
    return new UiOptions(host, port, token, pollInterval);
  }

  public UiOptions withToken(String token) {
    return new UiOptions(host, port, token, pollInterval);
  }

  public UiOptions withPollInterval(Duration pollInterval) {
    return new UiOptions(host, port, token, pollInterval);
  }

  /** A fresh unguessable token (256 random bits, URL-safe), e.g. for {@code chora ui --host}. */
  public static String randomToken() {
    return Secrets.randomToken();
  }
}
