package io.chora.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential conformance suite (issue 17 part 6): every scenario runs on {@code jdbc:sqlite:}
 * and on {@code jdbc:chora:} (java mode), each on a fresh file, and must observe the same, or
 * exactly the difference {@link KnownDeviations} lists for it. Run one group or scenario with
 * {@code -Dchora.conformance=statement/} (a prefix of its id).
 */
class ConformanceTest {
  @TempDir Path dir;

  static List<Scenario> scenarios() {
    List<Scenario> all = new ArrayList<>();
    all.addAll(StatementScenarios.all());
    all.addAll(PreparedScenarios.all());
    all.addAll(BatchScenarios.all());
    all.addAll(TransactionScenarios.all());
    all.addAll(ScriptScenarios.all());
    all.addAll(MetadataScenarios.all());
    all.addAll(ListenerScenarios.all());
    all.addAll(ExtensionScenarios.all());
    all.addAll(ErrorScenarios.all());
    all.addAll(ValueScenarios.all());
    all.addAll(ThreadScenarios.all());
    return all;
  }

  @TestFactory
  Stream<DynamicTest> sameObservationsOnBothDrivers() {
    String only = System.getProperty("chora.conformance", "");
    List<Scenario> all = scenarios();
    return all.stream()
        .filter(s -> s.id().startsWith(only))
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.id(), () -> Conformance.check(s, dir.resolve("s" + all.indexOf(s)))));
  }

  @Test
  void scenarioIdsAreUniqueAndEveryDeviationNamesOne() {
    Set<String> ids = new HashSet<>();
    for (Scenario s : scenarios()) {
      assertThat(ids.add(s.id())).as("duplicate scenario %s", s.id()).isTrue();
    }
    assertThat(ids).containsAll(KnownDeviations.ALL.keySet());
    assertThat(ids).hasSizeGreaterThanOrEqualTo(150);
  }
}
