package io.chora.hub;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Closes a connection that is still plain HTTP {@link #LIMIT} after it opened: one whose request
 * head (or TLS handshake) is still trickling in, or that never asked for the upgrade. Jetty's idle
 * timeout cannot catch a client that sends a byte every second; this bounds how long each of many
 * such connections holds a socket and a buffer. {@code /health} and {@code /metrics} answer well
 * within it.
 */
final class UpgradeDeadline implements Connection.Listener {
  /** How long a connection may take from opening to being a WebSocket. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  private final ScheduledExecutorService timer;

  UpgradeDeadline(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection || connection instanceof SslConnection) {
      timer.schedule(() -> closeIfNotUpgraded(connection), LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static void closeIfNotUpgraded(Connection connection) {
    if (!connection.getEndPoint().isOpen()) {
      return;
    }
    // an upgrade replaces the HTTP connection on its endpoint (behind TLS, the decrypted one)
    Connection now =
        connection instanceof SslConnection tls
            ? tls.getSslEndPoint().getConnection()
            : connection.getEndPoint().getConnection();
    if (now == null || now instanceof HttpConnection) {
      connection.getEndPoint().close();
    }
  }
}
