package io.chora.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the chora-vs-sqlite suite and prints chora's score over sqlite-jdbc's for each benchmark,
 * next to its target. Scores are times (lower is better), so a ratio of 1.20 means chora takes 20%
 * longer. Run with {@code java -cp bench/target/benchmarks.jar io.chora.bench.Ratios [regex...]};
 * the optional regexes narrow the benchmarks run, as JMH's own include patterns.
 */
public final class Ratios {
  /** Benchmark method → the highest acceptable chora/sqlite ratio. */
  static final Map<String, Double> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put("batchInsert10k", 1.5);
    TARGETS.put("autocommitInsert", 1.2);
    TARGETS.put("pointSelect", 1.03);
    TARGETS.put("distinctStatements1k", 1.3);
  }

  private Ratios() {}

  public static void main(String[] args) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(false);
    if (args.length == 0) {
      options.include("io\\.chora\\.bench\\..*Bench\\.");
    }
    for (String include : args) {
      options.include(include);
    }
    long start = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.println();
    System.out.print(table(results));
    System.out.printf(Locale.ROOT, "(suite took %d min %02d s)%n", seconds / 60, seconds % 60);
  }

  static String table(Collection<RunResult> results) {
    Map<String, Map<String, Result<?>>> byBenchmark = new HashMap<>();
    for (RunResult r : results) {
      String full = r.getParams().getBenchmark();
      String method = full.substring(full.lastIndexOf('.') + 1);
      byBenchmark
          .computeIfAbsent(method, k -> new HashMap<>())
          .put(r.getParams().getParam("driver"), r.getPrimaryResult());
    }
    List<String> names = new ArrayList<>(TARGETS.keySet());
    byBenchmark.keySet().stream().filter(n -> !TARGETS.containsKey(n)).sorted().forEach(names::add);

    StringBuilder out = new StringBuilder();
    String format = "%-22s %-6s %20s %20s %14s %7s  %s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "benchmark",
            "unit",
            "sqlite",
            "chora",
            "chora/sqlite",
            "target",
            "verdict"));
    for (String name : names) {
      Map<String, Result<?>> pair = byBenchmark.getOrDefault(name, Map.of());
      Result<?> sqlite = pair.get("sqlite");
      Result<?> chora = pair.get("chora");
      Double target = TARGETS.get(name);
      String unit =
          sqlite != null ? sqlite.getScoreUnit() : chora != null ? chora.getScoreUnit() : "";
      String ratio;
      String verdict;
      if (sqlite == null || chora == null) {
        ratio = "n/a";
        verdict =
            (sqlite == null && chora == null)
                ? "NOT RUN / FAILED"
                : (chora == null ? "chora FAILED" : "sqlite FAILED");
      } else {
        double r = chora.getScore() / sqlite.getScore();
        double err = r * Math.hypot(relative(chora), relative(sqlite));
        ratio =
            Double.isNaN(err)
                ? String.format(Locale.ROOT, "%.3f", r)
                : String.format(Locale.ROOT, "%.3f ± %.3f", r, err);
        verdict = target == null ? "" : (r <= target ? "ok" : "MISSED");
      }
      out.append(
          String.format(
              Locale.ROOT,
              format,
              name,
              unit,
              score(sqlite),
              score(chora),
              ratio,
              target == null ? "" : String.format(Locale.ROOT, "≤%.2f", target),
              verdict));
    }
    out.append("(± is the 99.9% confidence half-width JMH reports; ratio error is propagated)\n");
    return out.toString();
  }

  private static double relative(Result<?> r) {
    return r.getScoreError() / r.getScore();
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
