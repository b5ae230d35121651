package io.chora.jdbc.shared;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Where transaction nonces come from (java mode's commit markers): random numbers that tell two
 * histories under one dot apart. Like {@link WallClock}, tests and simulations set the source, so
 * that a randomized run replays bit for bit; applications leave it alone. Global to the JVM.
 */
public final class Nonces {
  private static final LongSupplier RANDOM = () -> ThreadLocalRandom.current().nextLong();
  private static volatile LongSupplier source = RANDOM;

  private Nonces() {}

  /** The next nonce; never 0, which means "unknown" on the wire. */
  public static long next() {
    long nonce;
    do {
      nonce = source.getAsLong();
    } while (nonce == 0);
    return nonce;
  }

  /** Makes every chora connection of this JVM draw nonces from {@code replacement}. */
  public static void use(LongSupplier replacement) {
    source = Objects.requireNonNull(replacement, "source");
  }

  /** Back to random nonces. */
  public static void reset() {
    source = RANDOM;
  }
}
