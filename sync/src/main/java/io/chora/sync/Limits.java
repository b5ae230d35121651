package io.chora.sync;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bounds every number and clock from the network must keep (docs/protocol.md, "Bounds"). They
 * sit far beyond what honest use reaches and below where chora's own arithmetic on them would
 * overflow, so a value past one is refused, naming its field, before it is stored or merged. The
 * hub checks its messages against the same numbers (it cannot depend on this module, so it repeats
 * them: {@code io.chora.hub.Clocks}).
 */
public final class Limits {
  /**
   * The highest seq, clock value or head a set or hub message may carry: 2^53 − 1, the largest
   * integer every JSON reader holds exactly. A replica committing a million transactions a second
   * reaches it after 285 years.
   */
  public static final long MAX_SEQ = (1L << 53) - 1;

  /** The most entries (sites) a clock may hold: each is a replica file ever synced. */
  public static final int MAX_CLOCK_ENTRIES = 10_000;

  /**
   * How far ahead of the receiver's wall clock a transaction's HLC may be. A set with one further
   * ahead is refused (its sender's clock is wrong, or it is forged) and taken once the receiver's
   * clock has caught up; so the receiver's own HLC never runs more than this ahead of its clock.
   */
  public static final Duration MAX_HLC_AHEAD = Duration.ofHours(1);

  /**
   * How much a change's causal length may exceed twice the number of transactions its transaction
   * knows (see {@link #maxCausalLength}): each transaction raises a row's length by at most two (a
   * delete and a re-insert), so an honest length stays within twice its causal history.
   */
  public static final long CAUSAL_LENGTH_SLACK = 1L << 32;

  /**
   * What any site id from the network may be: 1-128 letters, digits, {@code . _ : @ -} (java mode's
   * own are stricter, native mode's are {@code HEX@crsqlite}); no control characters or NUL,
   * nothing that delimits a clock's text form. The hub checks the same ({@code
   * io.chora.hub.Clocks}).
   */
  public static final Pattern SITE = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /** Where the count of a transaction's history saturates: keeps the bound below overflow. */
  private static final long HISTORY_CAP = 1L << 60;

  private Limits() {}

  /** The latest HLC a receiver whose wall clock reads {@code nowMillis} accepts. */
  public static long maxHlc(long nowMillis) {
    return Hlc.fromMillis(nowMillis + MAX_HLC_AHEAD.toMillis()) | 0xFFFF;
  }

  /**
   * The highest causal length a change of {@code tx} may carry: {@value #CAUSAL_LENGTH_SLACK} plus
   * twice the transactions {@code tx} knows (its own site's up to its seq, the others' up to its
   * deps). Receivers hold those, so a bound reached by a forged length rises with every later
   * write: an honest delete after it still fits, and replicas converge.
   */
  public static long maxCausalLength(Transaction tx) {
    long known = tx.dot().seq();
    for (Map.Entry<String, Long> dep : tx.deps().entries().entrySet()) {
      if (!dep.getKey().equals(tx.dot().site())) {
        known = Math.min(HISTORY_CAP, known + dep.getValue());
      }
    }
    return CAUSAL_LENGTH_SLACK + 2 * Math.min(HISTORY_CAP, known);
  }

  /** The problem with a site id that stood in {@code field}, or null when it is one. */
  public static String siteProblem(String site, String field) {
    if (site != null && SITE.matcher(site).matches()) {
      return null;
    }
    return field
        + " site id is not 1-128 of A-Z a-z 0-9 . _ : @ -: "
        + (site == null ? "none" : printable(site));
  }

  /** {@code text} quoted for a message, control characters escaped, at most 140 characters. */
  public static String printable(String text) {
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < text.length() && i < 140; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.append(text.length() > 140 ? "…' (" + text.length() + " characters)" : "'")
        .toString();
  }

  /**
   * The problem with {@code clock} (the set's field {@code field}), or null: too many entries, a
   * site id outside {@link #SITE}, or a value beyond {@link #MAX_SEQ}.
   */
  public static String clockProblem(VectorClock clock, String field) {
    if (clock.entries().size() > MAX_CLOCK_ENTRIES) {
      return field + " has " + clock.entries().size() + " entries, more than " + MAX_CLOCK_ENTRIES;
    }
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      String site = siteProblem(e.getKey(), field);
      if (site != null) {
        return site;
      }
      if (e.getValue() > MAX_SEQ) {
        return field + " value for '" + e.getKey() + "' is beyond " + MAX_SEQ + ": " + e.getValue();
      }
    }
    return null;
  }
}
