package io.chora.ui;

import static io.chora.ui.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who may read and change conflicts: tokens, CSRF, origins and the Host header. */
@Timeout(30)
class AccessTest {
  private static final String TOKEN = "a-token-long-enough-to-pass";

  @TempDir Path dir;
  private Replica laptop;
  private Replica phone;
  private long conflictId;

  @BeforeEach
  void replicas() throws Exception {
    laptop = Replica.open(dir, "laptop");
    phone = Replica.open(dir, "phone");
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    conflictId = laptop.chora().conflicts().get(0).id();
  }

  @AfterEach
  void close() throws Exception {
    laptop.close();
    phone.close();
  }

  @Test
  void changesWithoutThePagesCsrfTokenOrFromAnotherOriginAreRefused() throws Exception {
    try (ConflictUi ui = ConflictUi.start(laptop.url, UiOptions.defaults())) {
      ApiClient api = new ApiClient(ui.url());
      String restore = "api/conflicts/" + conflictId + "/restore";
      String csrf = api.csrfToken();
      String ownOrigin = "http://127.0.0.1:" + ui.port();

      assertRefused(api.post(restore), "csrf");
      assertRefused(api.post(restore, AccessGuard.CSRF_HEADER, "guessed"), "csrf");
      assertRefused(
          api.post(restore, AccessGuard.CSRF_HEADER, csrf, "Origin", "https://evil.example"),
          "cross_origin");
      assertRefused(
          api.post(restore, AccessGuard.CSRF_HEADER, csrf, "Origin", "null"), "cross_origin");
      assertRefused(
          api.post(restore, AccessGuard.CSRF_HEADER, csrf, "Sec-Fetch-Site", "cross-site"),
          "cross_origin");
      assertRefused(
          api.post(restore, AccessGuard.CSRF_HEADER, csrf, "Sec-Fetch-Site", "same-site"),
          "cross_origin");
      assertThat(laptop.chora().conflicts()).hasSize(1);

      HttpResponse<String> fromThePage =
          api.post(
              restore,
              AccessGuard.CSRF_HEADER,
              csrf,
              "Origin",
              ownOrigin,
              "Sec-Fetch-Site",
              "same-origin");
      assertThat(fromThePage.statusCode()).isEqualTo(200);
    }
  }

  private static void assertRefused(HttpResponse<String> response, String code) {
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response)).containsEntry("error", code);
  }

  @Test
  void withoutATokenOnlyLoopbackHostNamesAreAnswered() throws Exception {
    try (ConflictUi ui = ConflictUi.start(laptop.url, UiOptions.defaults())) {
      // a page on evil.example whose DNS now points at 127.0.0.1 sends its own name as Host
      assertThat(rawStatusLine(ui.port(), "evil.example:" + ui.port())).contains(" 403");
      assertThat(rawStatusLine(ui.port(), "localhost:" + ui.port())).contains(" 200");
      assertThat(rawStatusLine(ui.port(), "127.0.0.1:" + ui.port())).contains(" 200");
    }
  }

  /** The HttpClient will not send a Host header of our choosing, so speak HTTP/1.1 directly. */
  private static String rawStatusLine(int port, String host) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/status HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void refusesToServeBeyondLoopbackWithoutAToken() {
    assertThatThrownBy(() -> ConflictUi.start(laptop.url, UiOptions.defaults().withHost("0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without a token");
    assertThatThrownBy(() -> UiOptions.defaults().withToken("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> ConflictUi.start("jdbc:sqlite:x.db", UiOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:chora:");
  }

  @Test
  void beyondLoopbackEveryRequestNeedsTheToken() throws Exception {
    UiOptions options = UiOptions.defaults().withHost("0.0.0.0").withToken(TOKEN);
    try (ConflictUi ui = ConflictUi.start(laptop.url, options)) {
      assertThat(ui.url()).endsWith("/?token=" + TOKEN);
      ApiClient api = new ApiClient("http://127.0.0.1:" + ui.port() + "/");

      assertThat(api.get("api/status").statusCode()).isEqualTo(401);
      assertThat(json(api.get("api/conflicts"))).containsEntry("error", "unauthorized");
      assertThat(api.get("").statusCode()).isEqualTo(401);
      assertThat(api.get("?token=wrong-but-long-enough").statusCode()).isEqualTo(401);
      assertThat(api.get("api/status", "Authorization", "Bearer " + TOKEN).statusCode())
          .isEqualTo(200);

      // the first visit trades ?token= for a cookie and drops it from the address
      HttpResponse<String> firstVisit = api.get("?token=" + TOKEN);
      assertThat(firstVisit.statusCode()).isEqualTo(303);
      assertThat(firstVisit.headers().firstValue("Location")).hasValue("/");
      String setCookie = firstVisit.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      assertThat(api.get("", "Cookie", cookie).statusCode()).isEqualTo(200);
      assertThat(api.get("api/status", "Cookie", cookie).statusCode()).isEqualTo(200);
      assertThat(api.get("api/status", "Cookie", cookie + "x").statusCode()).isEqualTo(401);

      // a script with the token needs no page; a browser with only the cookie needs the page's
      String dismiss = "api/conflicts/" + conflictId + "/dismiss";
      assertThat(api.post(dismiss, "Cookie", cookie).statusCode()).isEqualTo(403);
      assertThat(api.post(dismiss, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void mountsIntoAnApplicationsJavalinUnderAPrefix() throws Exception {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get("/", ctx -> ctx.result("the application"));
              ConflictUi.mount(
                  config,
                  "/admin/conflicts/",
                  () -> java.sql.DriverManager.getConnection(laptop.url));
            });
    app.start("127.0.0.1", 0);
    try {
      ApiClient api = new ApiClient("http://127.0.0.1:" + app.port() + "/");
      assertThat(api.get("").body()).isEqualTo("the application");
      HttpResponse<String> bare = api.get("admin/conflicts");
      assertThat(bare.statusCode()).isEqualTo(301);
      assertThat(bare.headers().firstValue("Location")).hasValue("/admin/conflicts/");
      assertThat(api.get("admin/conflicts/").body()).contains("chora-csrf");
      assertThat(json(api.get("admin/conflicts/api/status"))).containsEntry("site", "laptop");

      ApiClient page = new ApiClient("http://127.0.0.1:" + app.port() + "/admin/conflicts/");
      assertThat(page.postAsPage("api/conflicts/" + conflictId + "/dismiss").statusCode())
          .isEqualTo(200);
    } finally {
      app.stop();
    }
  }
}
