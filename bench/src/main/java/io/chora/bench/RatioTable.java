package io.chora.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * {@link Ratios}' output: one row per operation (benchmark method and its parameters other than
 * {@code mode}), a table of each mode's score and one of the ratios between modes. A ratio carries
 * the error propagated from both scores' 99.9% confidence half-widths.
 */
final class RatioTable {
  private static final String SCORES = "%-28s %-6s %22s %22s %22s%n";
  private static final String RATIOS = "%-28s %18s %7s %-18s %18s %18s%n";

  private static final String NOTE =
      """
      (± is JMH's 99.9% confidence half-width, propagated into the ratios; - is a mode that
       failed, did not run, or has no such operation (see the benchmark's javadoc); applyFresh
       in sqlite is the same rows written as a plain batched insert)
      """;

  private static final String LAG = "%-40s %18s %7s %-8s%n";

  private final Map<String, Double> targets;
  private final Map<String, Double> lagTargets;
  private final List<String> order;
  private final Collection<String> alwaysListed;

  /**
   * @param targets benchmark method → highest acceptable java / sqlite ratio
   * @param lagTargets benchmark method → highest acceptable receiver lagging / full ratio
   * @param order benchmark methods in the order to list them; others follow by name
   * @param alwaysListed methods listed (as not run or failed) even without results
   */
  RatioTable(
      Map<String, Double> targets,
      Map<String, Double> lagTargets,
      List<String> order,
      Collection<String> alwaysListed) {
    this.targets = targets;
    this.lagTargets = lagTargets;
    this.order = order;
    this.alwaysListed = alwaysListed;
  }

  /** One operation's scores by mode. */
  private record Row(String method, String label, Map<String, Result<?>> byMode) {
    Result<?> get(String mode) {
      return byMode.get(mode);
    }
  }

  String render(Collection<RunResult> results) {
    List<Row> rows = rows(results);
    StringBuilder out = new StringBuilder();
    out.append(line(SCORES, "benchmark", "unit", "sqlite", "java", "crsqlite"));
    for (Row row : rows) {
      Result<?> any = row.byMode.values().stream().findFirst().orElse(null);
      out.append(
          line(
              SCORES,
              row.label,
              any == null ? "" : any.getScoreUnit(),
              score(row.get(BenchDb.SQLITE)),
              score(row.get(BenchDb.JAVA)),
              score(row.get(BenchDb.CRSQLITE))));
    }
    out.append('\n');
    out.append(
        line(
            RATIOS,
            "benchmark",
            "java/sqlite",
            "target",
            "verdict",
            "crsqlite/sqlite",
            "java/crsqlite"));
    for (Row row : rows) {
      Result<?> sqlite = row.get(BenchDb.SQLITE);
      Result<?> java = row.get(BenchDb.JAVA);
      Result<?> crsqlite = row.get(BenchDb.CRSQLITE);
      Double target = targets.get(row.method);
      out.append(
          line(
              RATIOS,
              row.label,
              ratio(java, sqlite),
              target == null ? "" : String.format(Locale.ROOT, "≤%.2f", target),
              verdict(target, java, sqlite),
              ratio(crsqlite, sqlite),
              ratio(java, crsqlite)));
    }
    out.append(lagging(results));
    out.append(NOTE);
    return out.toString();
  }

  /**
   * Runs that differ only in {@code receiver}: the {@code lagging} one's time over the {@code full}
   * one's (empty when none ran).
   */
  private String lagging(Collection<RunResult> results) {
    Map<String, Result<?>> full = new TreeMap<>();
    Map<String, Result<?>> lagging = new HashMap<>();
    Map<String, String> methods = new HashMap<>();
    for (RunResult r : results) {
      BenchmarkParams params = r.getParams();
      if (!params.getParamsKeys().contains("receiver")) {
        continue;
      }
      String method = method(params);
      String label = label(method, params, "receiver");
      methods.put(label, method);
      (params.getParam("receiver").equals("full") ? full : lagging)
          .put(label, r.getPrimaryResult());
    }
    if (full.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\n");
    out.append(line(LAG, "benchmark", "lagging/full", "target", "verdict"));
    for (Map.Entry<String, Result<?>> e : full.entrySet()) {
      Result<?> lag = lagging.get(e.getKey());
      Double target = lagTargets.get(methods.get(e.getKey()));
      String verdict =
          target == null || lag == null
              ? ""
              : (lag.getScore() / e.getValue().getScore() <= target ? "ok" : "MISSED");
      out.append(
          line(
              LAG,
              e.getKey(),
              ratio(lag, e.getValue()),
              target == null ? "" : String.format(Locale.ROOT, "≤%.2f", target),
              verdict));
    }
    return out.toString();
  }

  private List<Row> rows(Collection<RunResult> results) {
    Map<String, Row> byLabel = new HashMap<>();
    for (String method : alwaysListed) {
      byLabel.put(method, new Row(method, method, new HashMap<>()));
    }
    for (RunResult r : results) {
      BenchmarkParams params = r.getParams();
      String method = method(params);
      String label = label(method, params, "mode");
      byLabel
          .computeIfAbsent(label, k -> new Row(method, label, new HashMap<>()))
          .byMode
          .put(params.getParam("mode"), r.getPrimaryResult());
    }
    List<Row> rows = new ArrayList<>(byLabel.values());
    rows.sort(Comparator.comparingInt((Row row) -> rank(row.method)).thenComparing(Row::label));
    return rows;
  }

  private static String method(BenchmarkParams params) {
    String full = params.getBenchmark();
    return full.substring(full.lastIndexOf('.') + 1);
  }

  /**
   * The method, and its parameters other than {@code except} where it has some (so runs of two
   * sizes stay apart).
   */
  private static String label(String method, BenchmarkParams params, String except) {
    List<String> others = new ArrayList<>();
    for (String key : params.getParamsKeys()) {
      if (!key.equals(except)) {
        others.add(key + "=" + params.getParam(key));
      }
    }
    return others.isEmpty() ? method : method + "(" + String.join(",", others) + ")";
  }

  private int rank(String method) {
    int i = order.indexOf(method);
    return i < 0 ? order.size() : i;
  }

  private static String verdict(Double target, Result<?> java, Result<?> sqlite) {
    if (target == null) {
      return "";
    }
    if (java == null || sqlite == null) {
      return java == null && sqlite == null
          ? "NOT RUN / FAILED"
          : (java == null ? "java FAILED" : "sqlite FAILED");
    }
    return java.getScore() / sqlite.getScore() <= target ? "ok" : "MISSED";
  }

  private static String ratio(Result<?> a, Result<?> b) {
    if (a == null || b == null) {
      return "-";
    }
    double r = a.getScore() / b.getScore();
    double err = r * Math.hypot(a.getScoreError() / a.getScore(), b.getScoreError() / b.getScore());
    return Double.isNaN(err)
        ? String.format(Locale.ROOT, "%.3f", r)
        : String.format(Locale.ROOT, "%.3f ± %.3f", r, err);
  }

  private static String score(Result<?> r) {
    if (r == null) {
      return "-";
    }
    return Double.isNaN(r.getScoreError())
        ? String.format(Locale.ROOT, "%.3f", r.getScore())
        : String.format(Locale.ROOT, "%.3f ± %.3f", r.getScore(), r.getScoreError());
  }

  private static String line(String format, Object... columns) {
    return String.format(Locale.ROOT, format, columns);
  }
}
