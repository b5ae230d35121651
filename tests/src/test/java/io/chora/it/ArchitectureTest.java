package io.chora.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: the driver uses the merge engine, never the reverse. */
class ArchitectureTest {
  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.chora");

  @Test
  void mergeEngineDoesNotKnowTheDriver() {
    noClasses()
        .that()
        .resideInAPackage("io.chora.sync..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.chora.jdbc..", "org.sqlite..", "net.sf.jsqlparser..")
        .check(classes);
  }

  @Test
  void mergeEngineUsesOnlyJdbcAndJackson() {
    noClasses()
        .that()
        .resideInAPackage("io.chora.sync..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.chora.sync..", "java..", "com.fasterxml.jackson..")
        .check(classes);
  }

  @Test
  void theHubCannotReadPayloads() {
    // it routes and stores by dots and clocks only, so that end-to-end encryption can hide the rest
    noClasses()
        .that()
        .resideInAPackage("io.chora.hub..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.chora.sync..", "io.chora.jdbc..")
        .check(classes);
  }
}
