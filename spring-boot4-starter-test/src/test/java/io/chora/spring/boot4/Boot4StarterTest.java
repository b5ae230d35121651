package io.chora.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.jdbc.ChoraConnection;
import io.chora.spring.boot.ChoraSync;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The starter, built against Boot 3.5, in a Boot 4 application: it applies to a jdbc:chora: URL and
 * backs off for a plain one, its health indicator is Boot 4's and goes DOWN when the hub refuses
 * the token, its meters count, and its conflict page sits behind the application's chain.
 */
class Boot4StarterTest {
  private static final String TOKEN = "team-token-0123456789";

  @TempDir Path dir;
  private ConfigurableApplicationContext app;
  private HubServer hub;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SecuredApp {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .httpBasic(Customizer.withDefaults())
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
    if (hub != null) {
      hub.close();
    }
  }

  private String start(String url, String... properties) {
    app =
        new SpringApplicationBuilder(SecuredApp.class)
            .properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.main.banner-mode=off",
                "management.endpoint.health.show-details=always",
                "spring.datasource.url=" + url)
            .properties(properties)
            .run();
    return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  private HttpResponse<String> get(String url, boolean signedIn) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (signedIn) {
      String basic = "admin:secret";
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void appliesWithBoot4sHealthMetersAndTheSecuredConflictPage() throws Exception {
    hub = HubServer.start(HubConfig.of(dir.resolve("hub"), Map.of("team", TOKEN)).withPort(0));
    String base =
        start(
            "jdbc:chora:" + dir.resolve("app.db") + "?busy_timeout=10000",
            "chora.site=laptop",
            "chora.hub.url=ws://127.0.0.1:" + hub.port() + "/team",
            "chora.hub.token=not-the-team-token-000",
            "chora.conflict-page.enabled=true",
            "chora.conflict-page.path=/admin/conflicts");

    assertThat(app.getBean("choraHealthIndicator").getClass().getSimpleName())
        .isEqualTo("ChoraBoot4HealthIndicator");
    try (Connection c = app.getBean(DataSource.class).getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      s.executeUpdate("INSERT INTO note VALUES (1, 'one'), (2, 'two')");
      assertThat(c.unwrap(ChoraConnection.class).siteId()).isEqualTo("laptop");
    }
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.get("chora.log.size").tag("site", "laptop").gauge().value()).isEqualTo(2.0);

    // the hub answers the wrong token with 401: DOWN, with the reason
    Instant deadline = Instant.now().plusSeconds(30);
    HttpResponse<String> health = get(base + "/actuator/health/chora", true);
    while (!health.body().contains("HTTP 401") && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      health = get(base + "/actuator/health/chora", true);
    }
    assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("HTTP 401");
    assertThat(health.statusCode()).isEqualTo(503);

    assertThat(get(base + "/admin/conflicts/api/status", false).statusCode()).isEqualTo(401);
    HttpResponse<String> status = get(base + "/admin/conflicts/api/status", true);
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("\"site\":\"laptop\"");
  }

  @Test
  void backsOffForAPlainSqliteUrl() throws Exception {
    start("jdbc:sqlite:" + dir.resolve("plain.db"), "chora.conflict-page.enabled=true");
    assertThat(app.getBeanNamesForType(ChoraSync.class)).isEmpty();
    assertThat(app.containsBean("choraHealthIndicator")).isFalse();
    assertThat(app.containsBean("choraConflictPage")).isFalse();
  }
}
