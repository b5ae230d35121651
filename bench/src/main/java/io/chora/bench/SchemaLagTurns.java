package io.chora.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link SchemaLagBench}'s two receivers applied in turn in one JVM, {@code full} then {@code
 * lagging}, [warm-up] [rounds] times (default 10 and 30): each round's lagging/full time is a pair
 * measured under the same load, where JMH runs all of one receiver's iterations before the other's
 * and a change of load on the shared machine lands on one of them only. Prints the medians.
 */
public final class SchemaLagTurns {
  private SchemaLagTurns() {}

  public static void main(String[] args) throws Exception {
    int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    SchemaLagBench full = bench("full");
    SchemaLagBench lagging = bench("lagging");
    List<Double> fulls = new ArrayList<>();
    List<Double> laggings = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    try {
      for (int i = 0; i < warmUp + rounds; i++) {
        double f = time(full);
        double l = time(lagging);
        if (i >= warmUp) {
          fulls.add(f);
          laggings.add(l);
          ratios.add(l / f);
        }
      }
    } finally {
      full.cleanUp();
      lagging.cleanUp();
    }
    System.out.printf(
        "%d rounds: full %.0f ms, lagging %.0f ms, lagging/full %.3f (medians; ratios %.3f to %.3f)%n",
        rounds,
        median(fulls),
        median(laggings),
        median(ratios),
        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  private static SchemaLagBench bench(String receiver) throws Exception {
    SchemaLagBench bench = new SchemaLagBench();
    bench.mode = BenchDb.JAVA;
    bench.receiver = receiver;
    bench.rows = 20_000;
    bench.prepare();
    return bench;
  }

  private static double time(SchemaLagBench bench) throws Exception {
    bench.freshReceiver();
    long start = System.nanoTime();
    bench.applyNewerSchema();
    double ms = (System.nanoTime() - start) / 1e6;
    bench.checkAndClose();
    return ms;
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }
}
