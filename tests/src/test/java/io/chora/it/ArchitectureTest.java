package io.chora.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The house plan (docs/architecture.md), checked: which package may use which. Every rule here was
 * seen failing once on a deliberate violation (see the rule's comment for the violation tried).
 */
class ArchitectureTest {
  private static final String SEAM = "io.chora.jdbc.seam..";

  /** The packages behind the driver's public API: no code outside the driver may use them. */
  private static final String[] DRIVER_INTERNALS = {
    "io.chora.jdbc.shared..",
    "io.chora.jdbc.seam..",
    "io.chora.jdbc.log..",
    "io.chora.jdbc.crsqlite..",
    "io.chora.jdbc.hub..",
    "io.chora.jdbc.sql.."
  };

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.chora");

  @Test
  void theModelKnowsNoDriver() {
    // seen failing: the model's Dot naming java.sql.Types
    noClasses()
        .that()
        .resideInAPackage("io.chora.sync..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.chora.jdbc..", "org.sqlite..", "net.sf.jsqlparser..", "java.sql..")
        .check(classes);
  }

  @Test
  void theModelUsesOnlyTheJdkAndJackson() {
    noClasses()
        .that()
        .resideInAPackage("io.chora.sync..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.chora.sync..", "java..", "com.fasterxml.jackson..")
        .check(classes);
  }

  @Test
  void theEnginesNeverImportEachOther() {
    // seen failing: native mode's NativeMode naming java mode's LogConnection
    noClasses()
        .that()
        .resideInAPackage("io.chora.jdbc.log..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.chora.jdbc.crsqlite..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.chora.jdbc.crsqlite..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.chora.jdbc.log..")
        .check(classes);
  }

  @Test
  void onlyTheSeamUsesSqliteJdbcInternals() {
    // seen failing: the driver's old ChoraStatement extending JDBC4Statement outside the seam
    ArchRule internals =
        noClasses()
            .that()
            .resideInAPackage("io.chora.jdbc..")
            .and()
            .resideOutsideOfPackage(SEAM)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.sqlite.core..", "org.sqlite.jdbc3..", "org.sqlite.jdbc4..");
    internals.check(classes);
    // protected fields and methods of sqlite-jdbc (batch, pointer, setFirstStatementExecuted,
    // getDatabase) are reached through subclasses, which a package rule does not see; seen
    // failing: LogConnection calling checkOpen() itself
    noClasses()
        .that()
        .resideInAPackage("io.chora.jdbc..")
        .and()
        .resideOutsideOfPackage(SEAM)
        .should()
        .accessTargetWhere(nonPublicMemberOfSqliteJdbc())
        .check(classes);
  }

  @Test
  void theLoaderModuleHasOneClassForSqliteJdbc() {
    // chora-crsqlite works on any sqlite-jdbc connection without the driver, so it cannot use the
    // driver's seam: its own single class switches extension loading on
    noClasses()
        .that()
        .resideInAPackage("io.chora.crsqlite..")
        .and()
        .doNotHaveSimpleName("LoadExtensionSwitch")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.sqlite..")
        .check(classes);
  }

  @Test
  void toolsUseOnlyThePublicApi() {
    // seen failing: the CLI's ExitCode calling io.chora.jdbc.shared.Refusals
    noClasses()
        .that()
        .resideInAnyPackage("io.chora.cli..", "io.chora.ui..", "io.chora.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(DRIVER_INTERNALS)
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

  @Test
  void theToolsAreOnTheClassPath() {
    // the rules above pass vacuously on classes that were not imported
    for (String name :
        new String[] {"io.chora.cli.Chora", "io.chora.ui.ConflictUi", "io.chora.bench.Ratios"}) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  private static DescribedPredicate<JavaAccess<?>> nonPublicMemberOfSqliteJdbc() {
    return DescribedPredicate.describe(
        "a protected or package member of sqlite-jdbc (org.sqlite.Function's are its API)",
        access -> {
          Optional<? extends JavaMember> member = access.getTarget().resolveMember();
          return member.isPresent()
              && member.get().getOwner().getPackageName().startsWith("org.sqlite")
              && !member.get().getOwner().isAssignableTo("org.sqlite.Function")
              && !member.get().getModifiers().contains(JavaModifier.PUBLIC);
        });
  }
}
