package io.chora.cli;

import io.chora.sync.VectorClock;
import picocli.CommandLine.Option;

/** {@code --since CLOCK}: what a replica at that clock lacks; without it, everything. */
final class SinceOption {
  @Option(
      names = "--since",
      paramLabel = "CLOCK",
      converter = ClockConverter.class,
      description = "a replica's clock, e.g. 'laptop=4,phone=2' (see chora status there)")
  VectorClock clock = new VectorClock();
}
