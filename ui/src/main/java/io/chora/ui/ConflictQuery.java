package io.chora.ui;

import static io.chora.ui.Json.object;

import io.chora.sync.Conflict;
import io.chora.sync.Dot;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One page of {@code /api/conflicts}: filters by table and by the site of either write, newest
 * first, then {@code offset}/{@code limit}. It filters in memory over the open conflicts the driver
 * returns, which is quick for thousands; a ledger query with WHERE/LIMIT would scale further.
 */
record ConflictQuery(String table, String site, int offset, int limit) {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  /**
   * Reads the query parameters (by name, through {@code param}); an unknown status or a bad number
   * is a 400.
   */
  static ConflictQuery parse(UnaryOperator<String> param) {
    String status = param.apply("status");
    if (status != null && !status.isEmpty() && !status.equals("open")) {
      throw ApiError.badRequest(
          "status must be 'open': the driver lists open conflicts only (restored and dismissed"
              + " ones stay in chora_conflicts)");
    }
    return new ConflictQuery(
        blankToNull(param.apply("table")),
        blankToNull(param.apply("site")),
        integer(param.apply("offset"), "offset", 0, 0, Integer.MAX_VALUE),
        integer(param.apply("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
  }

  boolean matches(Conflict c) {
    return (table == null || table.equals(c.table()))
        && (site == null || site.equals(siteOf(c.keptDot())) || site.equals(siteOf(c.lostDot())));
  }

  /** The page as JSON, with the number of conflicts that matched. */
  Map<String, Object> page(List<Conflict> open) {
    List<Conflict> matching =
        open.stream()
            .filter(this::matches)
            .sorted(Comparator.comparingLong(Conflict::id).reversed())
            .toList();
    List<Object> items =
        matching.stream()
            .skip(offset)
            .limit(limit)
            .map(c -> (Object) ConflictJson.conflict(c))
            .toList();
    Map<String, Object> page =
        object("total", matching.size(), "offset", offset, "limit", limit, "conflicts", items);
    // every table and site among all open conflicts, for the page's filters
    page.put("tables", distinct(open, c -> List.of(c.table())));
    page.put("sites", distinct(open, ConflictQuery::sitesOf));
    return page;
  }

  private static List<String> sitesOf(Conflict c) {
    return Stream.of(siteOf(c.keptDot()), siteOf(c.lostDot())).filter(Objects::nonNull).toList();
  }

  private static List<Object> distinct(
      List<Conflict> conflicts, Function<Conflict, List<String>> names) {
    TreeSet<String> sorted = new TreeSet<>();
    conflicts.forEach(c -> sorted.addAll(names.apply(c)));
    return List.copyOf(sorted);
  }

  private static String siteOf(Dot dot) {
    return dot == null ? null : dot.site();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static int integer(String value, String name, int absent, int min, int max) {
    if (value == null || value.isEmpty()) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw ApiError.badRequest(
        name + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
  }
}
