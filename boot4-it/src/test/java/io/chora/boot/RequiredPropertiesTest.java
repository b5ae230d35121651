package io.chora.boot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why application.properties holds each of its properties: without one, the application does not
 * start. Should Boot or Flyway learn to do without, a test here fails and docs/spring-boot.md can
 * drop the property.
 */
class RequiredPropertiesTest {
  @TempDir Path dir;

  /** Boot picks a driver class by the URL's prefix: it knows jdbc:sqlite:, not jdbc:chora:. */
  @Test
  void withoutTheDriverClassNameBootCannotMakeTheDataSource() {
    assertThatThrownBy(
            () -> Replica.start(dir, "laptop", "", "--spring.datasource.driver-class-name="))
        .hasStackTraceContaining("Failed to determine a suitable driver class");
  }

  /** chora's own tables (chora_log, ...) are in the file before the first migration runs. */
  @Test
  void withoutABaselineFlywayTakesChorasTablesForAnotherSchema() {
    assertThatThrownBy(
            () -> Replica.start(dir, "laptop", "", "--spring.flyway.baseline-on-migrate=false"))
        .hasStackTraceContaining("non-empty schema");
  }
}
