package io.chora.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks in every {@code mode} and prints, per operation, the score of each mode and
 * the ratios of chora's java and native mode to plain sqlite-jdbc measured in the same run (and of
 * java to native mode), next to the targets of java mode where there are some. Scores are times
 * (lower is better), so a ratio of 1.20 takes 20% longer. Benchmarks with a {@code receiver}
 * parameter ({@link SchemaLagBench}) also get the ratio of their {@code lagging} run to their
 * {@code full} one, next to {@link #LAG_TARGETS}.
 *
 * <p>{@code java [-Dbench.quick=true] -cp bench/target/benchmarks.jar io.chora.bench.Ratios [JMH
 * options] [regex...]}: the arguments are JMH's own (regexes narrow the benchmarks run, {@code -p
 * history=1000} sets a parameter, {@code -i 1} the iterations, and so on). Without a regex the
 * whole suite runs. {@code bench.quick} makes short iterations the default (2 warmup and 3
 * measured, of 1 s each where a benchmark times iterations rather than single shots), for a first
 * look or a smoke run; options given on the command line still win.
 */
public final class Ratios {
  /** Benchmark method → the highest acceptable java mode / sqlite-jdbc ratio. */
  static final Map<String, Double> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put("batchInsert10k", 1.5);
    TARGETS.put("autocommitInsert", 1.2);
    TARGETS.put("pointSelect", 1.03);
    TARGETS.put("distinctStatements1k", 1.3);
  }

  /**
   * Benchmark method → the highest acceptable time of a {@code receiver=lagging} run to its {@code
   * receiver=full} run (1.25: the lagging receiver applies at 80% of the full one's rate or more).
   */
  static final Map<String, Double> LAG_TARGETS = Map.of("applyNewerSchema", 1.25);

  /** The order of the table: the targets' operations first, then the merge ones. */
  static final List<String> ORDER =
      List.of(
          "batchInsert10k",
          "batchInsert10kGeneratedKeys",
          "autocommitInsert",
          "autocommitInsertGeneratedKeys",
          "pointSelect",
          "distinctStatements1k",
          "applyFresh",
          "applyNewerSchema",
          "deltaSync");

  private static final String SUITE = "io\\.chora\\.bench\\..*Bench\\.";

  private Ratios() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    boolean suite = cli.getIncludes().isEmpty();
    if (suite) {
      options.include(SUITE);
    }
    if (Boolean.getBoolean("bench.quick")) {
      quickDefaults(cli, options);
    }
    long start = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    // A whole-suite run lists every target, so that one that failed shows as failed; a narrowed
    // run lists only what it ran.
    RatioTable table =
        new RatioTable(TARGETS, LAG_TARGETS, ORDER, suite ? TARGETS.keySet() : List.of());
    System.out.println();
    System.out.print(table.render(results));
    System.out.printf(Locale.ROOT, "(suite took %d min %02d s)%n", seconds / 60, seconds % 60);
  }

  /** Short iterations, each unless the command line gave its own. */
  private static void quickDefaults(CommandLineOptions cli, ChainedOptionsBuilder options) {
    if (!cli.getWarmupIterations().hasValue()) {
      options.warmupIterations(2);
    }
    if (!cli.getWarmupTime().hasValue()) {
      options.warmupTime(TimeValue.seconds(1));
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      options.measurementIterations(3);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      options.measurementTime(TimeValue.seconds(1));
    }
  }
}
