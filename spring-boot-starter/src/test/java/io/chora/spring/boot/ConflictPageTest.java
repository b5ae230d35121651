package io.chora.spring.boot;

import static io.chora.spring.boot.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The conflict page on the application's own Tomcat, behind the application's Spring Security
 * chain: refused without credentials, served with them, and its restore works through the chain.
 */
class ConflictPageTest {
  private static final String PAGE = "/admin/conflicts";

  @TempDir Path dir;
  private ConfigurableApplicationContext app;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** An application that lets only its signed-in admin in, as a real one would. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SecuredApp {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .httpBasic(Customizer.withDefaults())
          // the page guards its own changes (X-Chora-CSRF and origin checks)
          .csrf(csrf -> csrf.ignoringRequestMatchers(PAGE + "/api/**"))
          .build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("admin").password("{noop}secret").roles("ADMIN").build());
    }
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private String start(String... properties) {
    app =
        new SpringApplicationBuilder(SecuredApp.class)
            .properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.main.banner-mode=off",
                "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
                "chora.site=laptop",
                "management.endpoint.health.show-details=always")
            .properties(properties)
            .run();
    int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> get(String url, boolean signedIn) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (signedIn) {
      request.header("Authorization", basic());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic() {
    return "Basic "
        + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void servedUnderItsPathToSignedInUsersOnlyAndRestoreWorksThroughTheChain() throws Exception {
    String base =
        start("chora.conflict-page.enabled=true", "chora.conflict-page.path=" + PAGE + "/");
    makeAConflict();

    assertThat(get(base + PAGE + "/", false).statusCode()).isEqualTo(401);
    assertThat(get(base + PAGE + "/api/status", false).statusCode()).isEqualTo(401);
    assertThat(get(base + PAGE + "/api/conflicts", false).body()).doesNotContain("laptop");

    HttpResponse<String> page = get(base + PAGE + "/", true);
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher csrf = Pattern.compile("name=\"chora-csrf\" content=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).as(page.body()).isTrue();
    HttpResponse<String> status = get(base + PAGE + "/api/status", true);
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("\"site\":\"laptop\"").contains("\"openConflicts\":1");

    restoreTheConflict(base + PAGE, csrf.group(1));

    // the other auto-configurations, found through the imports file as in any application
    HttpResponse<String> health = get(base + "/actuator/health/chora", true);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(app.getBeansOfType(org.springframework.boot.actuate.health.HealthIndicator.class))
        .hasEntrySatisfying(
            "choraHealthIndicator", h -> assertThat(h).isInstanceOf(ChoraHealthIndicator.class))
        .allSatisfy( // Boot 4's adapter stays off: its health API is not on this class path
            (name, h) ->
                assertThat(h.getClass().getSimpleName()).isNotEqualTo("ChoraBoot4HealthIndicator"));
    assertThat(
            app.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("chora.log.size")
                .gauge())
        .isNotNull();
  }

  @Test
  void worksUnderTheApplicationsContextPath() throws Exception {
    String base =
        start(
            "server.servlet.context-path=/shop",
            "chora.conflict-page.enabled=true",
            "chora.conflict-page.path=" + PAGE);
    makeAConflict();
    String page = base + "/shop" + PAGE;

    assertThat(get(page + "/", false).statusCode()).isEqualTo(401);
    HttpResponse<String> bare = get(page, true); // a bookmark without the slash
    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/shop" + PAGE + "/"));
    HttpResponse<String> html = get(page + "/", true);
    assertThat(html.statusCode()).isEqualTo(200);
    // the page names its script, style and API relative to itself, so they resolve under /shop
    assertThat(html.body()).contains("src=\"app.js\"").doesNotContain("src=\"/");
    assertThat(get(page + "/app.js", true).statusCode()).isEqualTo(200);
    assertThat(get(page + "/api/status", true).body()).contains("\"openConflicts\":1");
    assertThat(get(base + PAGE + "/", true).statusCode()).isEqualTo(404); // not outside /shop
    Matcher csrf = Pattern.compile("name=\"chora-csrf\" content=\"([^\"]+)\"").matcher(html.body());
    assertThat(csrf.find()).isTrue();
    restoreTheConflict(page, csrf.group(1));
  }

  @Test
  void offByDefault() throws Exception {
    String base = start();
    assertThat(app.containsBean("choraConflictPage")).isFalse();
    assertThat(get(base + "/chora/conflicts/api/status", true).statusCode()).isEqualTo(404);
  }

  /** Restores the one open conflict through the page's API: refused first, then let through. */
  private void restoreTheConflict(String page, String csrf) throws Exception {
    HttpResponse<String> conflicts = get(page + "/api/conflicts", true);
    Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(conflicts.body());
    assertThat(id.find()).as(conflicts.body()).isTrue();
    String restore = page + "/api/conflicts/" + id.group(1) + "/restore";
    HttpRequest.Builder post =
        HttpRequest.newBuilder(URI.create(restore)).POST(HttpRequest.BodyPublishers.noBody());
    assertThat(http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401); // the chain first
    HttpResponse<String> restored =
        http.send(
            post.header("Authorization", basic()).header("X-Chora-CSRF", csrf).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
    assertThat(restored.body()).contains("\"status\":\"restored\"");
    assertThat(app.getBean(ChoraSync.class).conflicts()).isEmpty();
  }

  /** The app's replica and a peer edit one note concurrently and sync: one open conflict. */
  private void makeAConflict() throws Exception {
    String peerUrl = Sql.choraUrl(dir.resolve("phone.db")) + "&chora.site=phone";
    exec(peerUrl, Sql.NOTE);
    ChoraSync sync = app.getBean(ChoraSync.class);
    try (Connection c = app.getBean(DataSource.class).getConnection()) {
      exec(c, Sql.NOTE, "INSERT INTO note VALUES (1, 'groceries')");
      sync.syncWith(peerUrl);
      exec(c, "UPDATE note SET title = 'groceries and bread' WHERE id = 1");
    }
    exec(peerUrl, "UPDATE note SET title = 'groceries and milk' WHERE id = 1");
    sync.syncWith(peerUrl);
    assertThat(sync.conflicts()).hasSize(1);
  }
}
