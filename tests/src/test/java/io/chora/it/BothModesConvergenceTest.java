package io.chora.it;

import io.chora.it.convergence.Feature;
import io.chora.it.convergence.Tries;
import io.chora.jdbc.testing.SyncMode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The convergence contract both modes keep, over the writes both support ({@link Feature#common}:
 * cr-sqlite allows no UNIQUE besides the key, no foreign keys, no key changes, and merges by its
 * own rule, so there is no reference model; java mode's rules for those are in {@link
 * ConvergenceTest}), on the same harness ({@link io.chora.it.convergence}): 3 to 5 replicas write
 * at random and exchange changes over a faulty network: {@code syncWith} between random pairs, and
 * sets made with {@code changesSince} for what the sender believes the receiver holds, delivered
 * late and out of order (a set that starts past what the receiver holds is refused, and counted),
 * twice (the second applies nothing), cut short (refused whole unless harmless), as JSON, truncated
 * on the wire (refused, nothing changes) or lost. Then every pair syncs until the clocks agree:
 * rows and clocks must be equal, a last {@code syncWith} moves nothing, and a full set sent again
 * (objects and JSON) applies nothing.
 *
 * <p>Each try takes a seed; failures print every failing seed and the first one's rows and
 * operations. Tries per mode: {@code -Dchora.modes.tries=N} (default {@value #TRIES}); first seed:
 * {@code -Dchora.modes.base=N}; replay one: {@code -Dchora.modes.seed=N}, e.g. {@code ./mvnw -pl
 * tests -am test -Dtest='BothModesConvergenceTest' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dchora.modes.seed=17}.
 */
class BothModesConvergenceTest {
  private static final int TRIES = 40;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void randomWorkloadsConverge(SyncMode mode) throws IOException, SQLException {
    new Tries(mode, Feature.common(SyncMode.values()), "chora.modes", dir).run(TRIES);
  }
}
