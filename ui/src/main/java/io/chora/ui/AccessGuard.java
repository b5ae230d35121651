package io.chora.ui;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.URI;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Who may read and change the ledger through the page:
 *
 * <ul>
 *   <li>with a token, every request must carry it, as the cookie the page sets from {@code ?token=}
 *       on the first visit or as {@code Authorization: Bearer};
 *   <li>without one (loopback only), the Host header must name loopback, so a site that rebinds its
 *       own DNS name to 127.0.0.1 still cannot read the answers;
 *   <li>changes need the page's per-server CSRF token in {@code X-Chora-CSRF}, which a cross-site
 *       form cannot send and a cross-site script cannot read, and are refused when the browser says
 *       they come from another origin ({@code Origin}, {@code Sec-Fetch-Site}).
 * </ul>
 */
final class AccessGuard {
  static final String CSRF_HEADER = "X-Chora-CSRF";

  private final String token;
  private final boolean loopbackHostOnly;
  private final String csrfToken = Secrets.randomToken();
  private final String cookieName;
  private final String cookiePath;

  /**
   * @param token the access token, or null for none
   * @param loopbackHostOnly whether to refuse Host headers other than loopback names
   * @param cookiePath where the page lives, so the cookie goes to nothing else on the host
   */
  AccessGuard(String token, boolean loopbackHostOnly, String cookiePath) {
    this.token = token;
    this.loopbackHostOnly = loopbackHostOnly;
    this.cookiePath = cookiePath;
    // one name per token, so two pages on different localhost ports keep their own cookies
    this.cookieName =
        token == null ? null : "chora_ui_" + HexFormat.of().formatHex(Secrets.sha256(token), 0, 4);
  }

  String csrfToken() {
    return csrfToken;
  }

  /**
   * Lets the page through, first trading a valid {@code ?token=} for a cookie and a redirect to the
   * same address without it (so the token leaves the address bar and history). Returns false when
   * it answered the request itself.
   */
  boolean admitPage(Context ctx) {
    String fromQuery = ctx.queryParam("token");
    if (token != null && fromQuery != null) {
      if (!Secrets.matches(fromQuery, token)) {
        throw unauthorized();
      }
      boolean https = "https".equals(ctx.scheme());
      ctx.cookie(new Cookie(cookieName, token, cookiePath, -1, https, true, null, SameSite.LAX));
      ctx.redirect(ctx.path(), HttpStatus.SEE_OTHER);
      return false;
    }
    checkRead(ctx);
    return true;
  }

  void checkRead(Context ctx) {
    if (loopbackHostOnly && !isLoopbackName(hostName(ctx.header("Host")))) {
      throw new ApiError(
          403, "host", "this page answers only to loopback addresses such as 127.0.0.1");
    }
    if (token != null && !Secrets.matches(presentedToken(ctx), token)) {
      throw unauthorized();
    }
  }

  void checkWrite(Context ctx) {
    checkRead(ctx);
    String origin = ctx.header("Origin");
    if (origin != null && !sameAuthority(origin, ctx.header("Host"))) {
      throw new ApiError(403, "cross_origin", "changes are refused from another origin");
    }
    String fetchSite = ctx.header("Sec-Fetch-Site");
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      throw new ApiError(403, "cross_origin", "changes are refused from another site");
    }
    if (token != null && bearerToken(ctx) != null) {
      return; // checkRead matched it, and a cross-site request cannot set Authorization
    }
    if (!Secrets.matches(ctx.header(CSRF_HEADER), csrfToken)) {
      throw new ApiError(
          403,
          "csrf",
          "changes need the header "
              + CSRF_HEADER
              + " with the token in the page's <meta name=\"chora-csrf\">");
    }
  }

  private String presentedToken(Context ctx) {
    String bearer = bearerToken(ctx);
    return bearer != null ? bearer : ctx.cookie(cookieName);
  }

  private static String bearerToken(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).strip();
    }
    return null;
  }

  private static ApiError unauthorized() {
    return new ApiError(
        401, "unauthorized", "a token is required: open the address `chora ui` printed");
  }

  /** Whether an Origin header (scheme://host[:port]) names the host the request was sent to. */
  private static boolean sameAuthority(String origin, String host) {
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host.strip());
    } catch (IllegalArgumentException notAUri) {
      return false; // includes the opaque "null" origin of sandboxed frames and file: pages
    }
  }

  /** The host part of a Host header: without the port, IPv6 without brackets. */
  static String hostName(String hostHeader) {
    if (hostHeader == null) {
      return null;
    }
    String host = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(1, end);
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /** Names that can only mean this machine, checked without a DNS lookup. */
  static boolean isLoopbackName(String host) {
    return host != null
        && (host.equals("localhost")
            || host.endsWith(".localhost")
            || host.equals("::1")
            || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
  }
}
