package io.chora.spring.boot;

import static io.chora.spring.boot.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.sqlite.SQLiteConnection;

/** The starter applies to a jdbc:chora: data source, passes chora.* on, and leaves others be. */
class ChoraAutoConfigurationTest {
  @TempDir Path dir;

  static final ApplicationContextRunner APP =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  ChoraAutoConfiguration.class,
                  ChoraHealthAutoConfiguration.class,
                  ChoraMetricsAutoConfiguration.class));

  @Test
  void appliesToAChoraUrlAndPassesTheSettingsToTheDriverThroughThePool() {
    APP.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "chora.site=laptop",
            "chora.tables=note")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ChoraSync.class);
              assertThat(context).hasBean("choraHealthIndicator").hasBean("choraMetrics");
              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                exec(c, Sql.NOTE, "CREATE TABLE draft(id INTEGER PRIMARY KEY)");
                ChoraConnection chora = c.unwrap(ChoraConnection.class);
                assertThat(chora.siteId()).isEqualTo("laptop");
                assertThat(chora.trackedTables()).containsExactly("note"); // chora.tables
              }
              assertThat(context.getBean(ChoraSync.class).siteId()).isEqualTo("laptop");
            });
  }

  @Test
  void backsOffForAPlainSqliteUrl() {
    APP.withPropertyValues(
            "spring.datasource.url=jdbc:sqlite:" + dir.resolve("plain.db"), "chora.site=laptop")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ChoraSync.class);
              assertThat(context).doesNotHaveBean(ChoraProperties.class);
              assertThat(context).doesNotHaveBean(HealthIndicator.class);
              assertThat(context).doesNotHaveBean("choraMetrics");
              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                assertThat(c.isWrapperFor(ChoraConnection.class)).isFalse();
                assertThat(c.isWrapperFor(SQLiteConnection.class)).isTrue();
              }
            });
  }

  @Test
  void everySettingMapsToTheDriversOptionOfTheSameMeaning() {
    ChoraProperties settings = new ChoraProperties();
    settings.setSite("phone");
    settings.setMode(ChoraProperties.Mode.JAVA);
    settings.setTables(java.util.List.of("note", "tag"));
    settings.setCounters(java.util.List.of("note.views", "tag.uses"));
    settings.setMaxValueBytes(org.springframework.util.unit.DataSize.ofKilobytes(1));
    settings.setEncrypt(Path.of("me.age"));
    settings.setRecipients(Path.of("team.txt"));
    assertThat(ChoraDriverOptions.of(settings))
        .containsOnly(
            java.util.Map.entry("chora.site", "phone"),
            java.util.Map.entry("chora.mode", "java"),
            java.util.Map.entry("chora.tables", "note,tag"),
            java.util.Map.entry("chora.counters", "note.views,tag.uses"),
            java.util.Map.entry("chora.maxValueBytes", "1024"),
            java.util.Map.entry("chora.encrypt", "me.age"),
            java.util.Map.entry("chora.recipients", "team.txt"));
    assertThat(ChoraDriverOptions.of(new ChoraProperties())).isEmpty();
  }

  @Test
  void theHubTokenIsReadFromItsFileAndBothFormsAtOnceAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("hub.token"), "  device-token-0123456789\n");
    ChoraProperties settings = new ChoraProperties();
    settings.getHub().setUrl("ws://127.0.0.1:7070/team");
    settings.getHub().setTokenFile(file);
    assertThat(ChoraDriverOptions.of(settings))
        .containsEntry("chora.hub", "ws://127.0.0.1:7070/team")
        .containsEntry("chora.hub.token", "device-token-0123456789");

    APP.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "chora.hub.token=x",
            "chora.hub.token-file=" + file)
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("chora.hub.token and chora.hub.token-file are both set"));
  }

  @Test
  void aBadSettingIsTheDriversErrorAtStartup() {
    APP.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")),
            "chora.site=not a site id")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("site"));
  }
}
