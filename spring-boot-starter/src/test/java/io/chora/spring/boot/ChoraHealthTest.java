package io.chora.spring.boot;

import static io.chora.spring.boot.Sql.await;
import static io.chora.spring.boot.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** The chora health indicator against a real hub on 127.0.0.1 and real replica files. */
class ChoraHealthTest {
  private static final String TOKEN = "team-token-0123456789";

  @TempDir Path dir;
  private HubServer hub;

  private final ApplicationContextRunner app =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  ChoraAutoConfiguration.class,
                  ChoraHealthAutoConfiguration.class));

  @AfterEach
  void stopHub() {
    if (hub != null) {
      hub.close();
    }
  }

  private String hubUrl() throws Exception {
    if (hub == null) {
      hub = HubServer.start(HubConfig.of(dir.resolve("hub"), Map.of("team", TOKEN)).withPort(0));
    }
    return "ws://127.0.0.1:" + hub.port() + "/team";
  }

  private static Health health(ApplicationContext context) {
    return context.getBean("choraHealthIndicator", HealthIndicator.class).health();
  }

  @Test
  void upWithoutAHub() {
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")), "chora.site=laptop")
        .run(
            context -> {
              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("site", "laptop")
                  .containsEntry("openConflicts", 0)
                  .containsEntry("hub", Map.of("configured", false));
            });
  }

  @Test
  void upOnceConnectedAndCaughtUpWithTheRightToken() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("team.token"), TOKEN + "\n");
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "chora.site=laptop",
            "chora.hub.url=" + hubUrl(),
            "chora.hub.token-file=" + tokenFile)
        .run(
            context -> {
              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                exec(c, Sql.NOTE, "INSERT INTO note VALUES (1, 'pushed')");
              }
              await("the hub acknowledged the write", () -> hubDetail(context, "healthy"));
              assertThat(health(context).getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void downWithTheReasonWhenTheHubRefusesTheToken() throws Exception {
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "chora.site=laptop",
            "chora.hub.url=" + hubUrl(),
            "chora.hub.token=not-the-team-token-000")
        .run(
            context -> {
              await("the hub answered", () -> health(context).getStatus() != Status.UNKNOWN);
              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              @SuppressWarnings("unchecked")
              Map<String, Object> hubDetails = (Map<String, Object>) health.getDetails().get("hub");
              assertThat(hubDetails)
                  .containsEntry("connected", false)
                  .containsEntry("refused", true);
              assertThat((String) hubDetails.get("lastError"))
                  .contains("HTTP 401")
                  .doesNotContain("not-the-team-token");
            });
  }

  @Test
  void downWhenAPeerHoldsOtherRowsAtAnEqualClock() throws Exception {
    Path peer = dir.resolve("peer.db");
    exec(Sql.choraUrl(peer) + "&chora.site=peer", Sql.NOTE);
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")), "chora.site=laptop")
        .run(
            context -> {
              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                exec(c, Sql.NOTE, "INSERT INTO note VALUES (1, 'same on both')");
              }
              ChoraSync sync = context.getBean(ChoraSync.class);
              sync.syncWith(Sql.choraUrl(peer));
              assertThat(health(context).getStatus()).isEqualTo(Status.UP);

              // a tool writes to the peer's file with chora's update trigger out of the way
              try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + peer)) {
                for (String t :
                    Sql.column(
                        plain,
                        "SELECT name FROM sqlite_schema WHERE type = 'trigger'"
                            + " AND name LIKE 'chora_%_upd'")) {
                  exec(plain, "DROP TRIGGER \"" + t + "\"");
                }
                exec(plain, "UPDATE note SET title = 'changed behind chora' WHERE id = 1");
              }
              sync.syncWith(Sql.choraUrl(peer));

              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails()).containsKey("divergences");
              assertThat(health.getDetails().get("divergences").toString())
                  .contains("peer=different note.title at equal clocks");
            });
  }

  @Test
  void offWhenTheApplicationTurnsItOff() {
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "management.health.chora.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("choraHealthIndicator"));
  }

  private static boolean hubDetail(ApplicationContext context, String key) {
    Object hub = health(context).getDetails().get("hub");
    return hub instanceof Map<?, ?> details && Boolean.TRUE.equals(details.get(key));
  }
}
