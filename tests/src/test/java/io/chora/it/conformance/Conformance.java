package io.chora.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a scenario on {@code jdbc:sqlite:} and on {@code jdbc:chora:}, each on a fresh file, and
 * checks they observed the same, or exactly the difference {@link KnownDeviations} lists for it.
 */
final class Conformance {
  private Conformance() {}

  static List<String> observe(Scenario scenario, String prefix, Path dir) throws Exception {
    Run run = new Run(prefix, dir.resolve("db.sqlite"));
    try {
      scenario.body().on(run);
    } catch (Throwable e) {
      run.note("scenario threw " + Run.error(e));
    }
    run.end();
    run.fails("close", run::close);
    return run.seen();
  }

  static void check(Scenario scenario, Path dir) throws Exception {
    List<String> plain =
        observe(scenario, "jdbc:sqlite:", Files.createDirectories(dir.resolve("p")));
    List<String> chora =
        observe(scenario, "jdbc:chora:", Files.createDirectories(dir.resolve("c")));
    List<String> diff = Diff.of(plain, chora);
    KnownDeviations.Deviation known = KnownDeviations.ALL.get(scenario.id());
    if (known == null) {
      assertThat(diff)
          .as("%s observed differently:\n%s", scenario.id(), Diff.readable(plain, chora))
          .isEmpty();
    } else {
      assertThat(diff)
          .as(
              "%s: the known deviation (%s) changed:\n%s",
              scenario.id(), known.reason(), Diff.readable(plain, chora))
          .containsExactlyElementsOf(known.diff());
    }
  }
}
