package io.chora.cli;

/**
 * The libraries beneath chora (Jetty and Javalin in the hub and the conflict page, HikariCP in a
 * PostgreSQL store) log their start-up and their own view of a failure; a person at a terminal
 * reads chora's one line instead, and {@code CHORA_DEBUG=1} lets theirs through. Set before their
 * loggers exist, and only where the user has not chosen otherwise.
 */
final class LibraryLogs {
  private LibraryLogs() {}

  static void quiet() {
    boolean debug = System.getenv("CHORA_DEBUG") != null;
    level("io.javalin.Javalin", debug ? "warn" : "off");
    level("io.javalin", "warn");
    level("org.eclipse.jetty", "warn");
    level("com.zaxxer.hikari", debug ? "info" : "off");
  }

  private static void level(String logger, String level) {
    String key = "org.slf4j.simpleLogger.log." + logger;
    System.setProperty(key, System.getProperty(key, level));
  }
}
