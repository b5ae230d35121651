package io.chora.it.conformance;

/**
 * One conformance scenario: JDBC calls on a fresh database that note what an application can
 * observe ({@link Run}). The suite runs each on {@code jdbc:sqlite:} and on {@code jdbc:chora:} and
 * compares what they noted.
 */
record Scenario(String group, String name, Body body) {
  /** The calls, noting what they observe on {@code run}. */
  @FunctionalInterface
  interface Body {
    void on(Run run) throws Exception;
  }

  /** {@code group/name}: the name deviations are listed under. */
  String id() {
    return group + "/" + name;
  }

  @Override
  public String toString() {
    return id();
  }
}
