package io.chora.it.conformance;

import java.util.List;
import java.util.Map;

/**
 * Where chora observably differs from sqlite-jdbc on purpose or for now, by scenario id: each with
 * its reason and the exact diff ({@link Diff#of}: "- " lines only sqlite-jdbc observed, "+ " only
 * chora). A scenario listed here must show exactly this diff: if the deviation goes away or
 * changes, the suite fails until this list is brought up to date. Also in docs/known-limits.md.
 */
final class KnownDeviations {
  private KnownDeviations() {}

  record Deviation(String reason, List<String> diff) {}

  static final Map<String, Deviation> ALL = Map.ofEntries();
}
