package io.chora.hub;

/**
 * Writes Prometheus's text exposition format, version 0.0.4 (what Prometheus, VictoriaMetrics,
 * Grafana Agent and the OpenTelemetry collector scrape): each metric's {@code # HELP} and {@code #
 * TYPE} once, then its samples, one a line.
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder();

  /** Starts a metric; counters' names end in {@code _total}, as the convention wants. */
  PrometheusText metric(String name, String type, String help) {
    if (type.equals("counter") != name.endsWith("_total")) {
      throw new IllegalArgumentException(name + " is a " + type);
    }
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** A sample without labels. */
  PrometheusText sample(String name, double value) {
    out.append(name).append(' ').append(number(value)).append('\n');
    return this;
  }

  /** A sample with labels given as name, value, name, value… */
  PrometheusText sample(String name, double value, String... labels) {
    out.append(name).append('{');
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    out.append("} ").append(number(value)).append('\n');
    return this;
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : java.math.BigDecimal.valueOf(value).toPlainString(); // never 1.7E9
  }

  /** A label value: backslash, double quote and line feed escaped, as the format says. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
