package io.chora.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the {@code Modes*Bench} benchmarks and prints each setup's score next to plain sqlite-jdbc's
 * from the same run: chora's java mode and its native (cr-sqlite) mode side by side. Scores are
 * times (lower is better); a ratio of 1.20 takes 20% longer than sqlite-jdbc. {@code java -cp
 * bench/target/benchmarks.jar io.chora.bench.ModeRatios [quick]}: {@code quick} runs short
 * iterations (2 warmup and 3 measured, 1 s each; 2 + 4 single shots for apply).
 */
public final class ModeRatios {
  private static final String[] DRIVERS = {"sqlite", "chora", "crsqlite"};

  private ModeRatios() {}

  public static void main(String[] args) throws RunnerException {
    boolean quick = args.length > 0 && args[0].equals("quick");
    long start = System.nanoTime();
    Map<String, Map<String, Result<?>>> scores = new TreeMap<>();
    collect(scores, run("io\\.chora\\.bench\\.Modes(Batch|Autocommit|PointSelect).*", quick, 1));
    collect(scores, run("io\\.chora\\.bench\\.ModesApplyBench\\..*", quick, 0));
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.println();
    System.out.print(table(scores));
    System.out.printf(Locale.ROOT, "(suite took %d min %02d s)%n", seconds / 60, seconds % 60);
  }

  private static Collection<RunResult> run(String include, boolean quick, int seconds)
      throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder().include(include).shouldFailOnError(true);
    if (quick && seconds > 0) {
      options
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(seconds))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(seconds));
    } else if (quick) {
      options.warmupIterations(2).measurementIterations(4);
    }
    return new Runner(options.build()).run();
  }

  private static void collect(
      Map<String, Map<String, Result<?>>> scores, Collection<RunResult> rs) {
    for (RunResult r : rs) {
      String full = r.getParams().getBenchmark();
      scores
          .computeIfAbsent(full.substring(full.lastIndexOf('.') + 1), k -> new HashMap<>())
          .put(r.getParams().getParam("driver"), r.getPrimaryResult());
    }
  }

  static String table(Map<String, Map<String, Result<?>>> scores) {
    String format = "%-18s %-6s %18s %18s %18s %11s %11s%n";
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "benchmark",
            "unit",
            "sqlite",
            "chora java",
            "chora crsqlite",
            "java/sqlite",
            "crsql/sqlite"));
    for (Map.Entry<String, Map<String, Result<?>>> e : scores.entrySet()) {
      Map<String, Result<?>> byDriver = e.getValue();
      Result<?> sqlite = byDriver.get("sqlite");
      String unit = sqlite != null ? sqlite.getScoreUnit() : "";
      out.append(
          String.format(
              Locale.ROOT,
              format,
              e.getKey(),
              unit,
              score(byDriver.get(DRIVERS[0])),
              score(byDriver.get(DRIVERS[1])),
              score(byDriver.get(DRIVERS[2])),
              ratio(byDriver.get(DRIVERS[1]), sqlite),
              ratio(byDriver.get(DRIVERS[2]), sqlite)));
    }
    out.append("(± is JMH's 99.9% confidence half-width; applyFresh is ")
        .append("20,000 rows, so rows/s = 20,000,000 / ms)\n");
    return out.toString();
  }

  private static String ratio(Result<?> r, Result<?> sqlite) {
    return r == null || sqlite == null
        ? "n/a"
        : String.format(Locale.ROOT, "%.2f", r.getScore() / sqlite.getScore());
  }

  private static String score(Result<?> r) {
    if (r == null) {
      return "-";
    }
    return Double.isNaN(r.getScoreError())
        ? String.format(Locale.ROOT, "%.3f", r.getScore())
        : String.format(Locale.ROOT, "%.3f ± %.3f", r.getScore(), r.getScoreError());
  }
}
