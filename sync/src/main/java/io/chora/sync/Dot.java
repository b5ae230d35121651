package io.chora.sync;

/** The identity of one committed transaction: the site that made it and its sequence there. */
public record Dot(String site, long seq) {
  public Dot {
    if (site == null || site.isEmpty()) {
      throw new IllegalArgumentException("a dot needs a site id");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("a dot's seq starts at 1, got " + seq);
    }
  }

  @Override
  public String toString() {
    return site + ":" + seq;
  }
}
