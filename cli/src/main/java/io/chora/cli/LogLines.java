package io.chora.cli;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The driver's warnings (a copied file taking a new site id, a hub that refuses the token) as one
 * line each on stderr, {@code chora: warning: ...}: the driver starts its messages with "chora: "
 * for applications' logs, which would read twice here. A stack trace only with {@code CHORA_DEBUG}.
 */
final class LogLines extends Formatter {
  private static final String PREFIX = "chora: ";

  /** Formats every record that reaches the console through the root logger's handlers. */
  static void install() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(new LogLines());
    }
  }

  @Override
  public String format(LogRecord record) {
    String message = formatMessage(record);
    if (message.startsWith(PREFIX)) {
      message = message.substring(PREFIX.length());
    }
    StringBuilder line =
        new StringBuilder(PREFIX)
            .append(record.getLevel().getName().toLowerCase(java.util.Locale.ROOT))
            .append(": ")
            .append(message)
            .append(System.lineSeparator());
    if (record.getThrown() != null && System.getenv("CHORA_DEBUG") != null) {
      java.io.StringWriter trace = new java.io.StringWriter();
      record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
      line.append(trace);
    }
    return line.toString();
  }
}
