package io.chora.cli;

import io.chora.sync.VectorClock;
import picocli.CommandLine;

/** Reads {@code --since} clocks as chora prints them, {@code {a=2, b=1}}, braces optional. */
final class ClockConverter implements CommandLine.ITypeConverter<VectorClock> {
  @Override
  public VectorClock convert(String text) {
    String body = text.strip();
    try {
      return VectorClock.parse(body.startsWith("{") ? body : "{" + body + "}");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          e.getMessage() + " (write a clock as site=counter pairs, e.g. 'laptop=4,phone=2')");
    }
  }
}
