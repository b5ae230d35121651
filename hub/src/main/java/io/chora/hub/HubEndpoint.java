package io.chora.hub;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /v1/WORKSPACE}: checks the token on the upgrade request, before
 * anything is read or written, then hands each connection's frames to its {@link HubConnection}.
 */
final class HubEndpoint {
  static final String PATH = "/v1/{workspace}";

  private static final Logger LOG = LoggerFactory.getLogger(HubEndpoint.class);
  private static final int SERVER_ERROR = 1011;

  /** RFC 6455's "service restart": clients reconnect at once, to another instance if they can. */
  static final int SERVICE_RESTART = 1012;

  static final String DRAINING = "draining: this hub instance is stopping; reconnect to another";

  private final HubConfig config;
  private final WorkspaceTokens tokens;
  private final DeviceTokens devices;
  private final Workspaces workspaces;
  private final ClientMessages messages;
  private final Map<Session, HubConnection> connections = new ConcurrentHashMap<>();

  private long tokensSeen; // the device tokens' generation the last revocation check saw
  private volatile boolean draining;

  HubEndpoint(HubConfig config, Workspaces workspaces, DeviceTokens devices) {
    this.config = config;
    this.devices = devices;
    this.tokens = new WorkspaceTokens(config.tokens(), devices);
    this.workspaces = workspaces;
    this.messages = new ClientMessages(config.maxFrameBytes());
  }

  void register(RoutesConfig routes) {
    routes.wsBeforeUpgrade(PATH, this::authorize);
    routes.ws(
        PATH,
        ws -> {
          ws.onConnect(this::connected);
          ws.onMessage(ctx -> withConnection(ctx, connection -> connection.onText(ctx.message())));
          ws.onBinaryMessage(ctx -> withConnection(ctx, HubConnection::onBinary));
          ws.onClose(this::closed);
          ws.onError(this::failed);
        });
  }

  /** Refuses the upgrade with 401 unless the request carries a token of the workspace. */
  private void authorize(Context ctx) {
    if (draining) {
      throw new ServiceUnavailableResponse(DRAINING);
    }
    if (tokens.credential(ctx.pathParam("workspace"), ctx.header("Authorization")) == null) {
      throw new UnauthorizedResponse();
    }
  }

  private void connected(WsConnectContext ctx) {
    Credential credential =
        tokens.credential(ctx.pathParam("workspace"), ctx.header("Authorization"));
    if (credential == null) { // revoked since the upgrade was authorized
      ctx.closeSession(ProtocolViolation.POLICY, "revoked: the token was revoked");
      return;
    }
    Workspace workspace;
    try {
      workspace = workspaces.get(ctx.pathParam("workspace"));
    } catch (Exception e) {
      LOG.error("workspace {}: could not open its log", ctx.pathParam("workspace"), e);
      ctx.closeSession(SERVER_ERROR, "the hub could not open the workspace");
      return;
    }
    HubConnection connection =
        new HubConnection(ctx.session, credential, workspace, messages, config);
    connections.put(ctx.session, connection);
    workspace.connected(connection);
    if (draining) { // upgraded while the drain began: it met no close, so close it here
      connection.drain();
      connection.close(SERVICE_RESTART, DRAINING);
    }
  }

  boolean isDraining() {
    return draining;
  }

  /**
   * Stops this instance gracefully: refuses new upgrades (503), takes no more pushes, lets the
   * writers commit and acknowledge what was already pushed, then closes every connection with 1012
   * (service restart) behind those acks, so clients reconnect at once, to another instance, and
   * push again only what was not acknowledged. Waits for the closes until {@code deadlineNanos}.
   */
  void drain(long deadlineNanos) throws InterruptedException {
    draining = true;
    connections.values().forEach(HubConnection::drain);
    for (Workspace workspace : workspaces.all()) {
      workspace.awaitWriterIdle(deadlineNanos);
    }
    // acks are queued before the close frame, and Jetty writes a session's frames in order
    connections.values().forEach(connection -> connection.close(SERVICE_RESTART, DRAINING));
    while (!connections.isEmpty() && System.nanoTime() < deadlineNanos) {
      Thread.sleep(5);
    }
  }

  private void withConnection(WsContext ctx, java.util.function.Consumer<HubConnection> action) {
    HubConnection connection = connections.get(ctx.session);
    if (connection != null) {
      action.accept(connection);
    }
  }

  private void closed(WsCloseContext ctx) {
    HubConnection connection = connections.remove(ctx.session);
    if (connection != null) {
      connection.onClosed();
    }
  }

  private void failed(WsErrorContext ctx) {
    // Jetty closes the session after an error and reports that through onClose
    LOG.debug("websocket error", ctx.error());
  }

  /**
   * Re-reads the device tokens if their file changed and closes at once every connection whose
   * token is no longer active (revoked), naming it.
   */
  void closeRevoked() {
    try {
      devices.refresh();
      long generation = devices.generation();
      if (generation == tokensSeen) {
        return;
      }
      tokensSeen = generation;
      for (HubConnection connection : connections.values()) {
        if (!tokens.stillValid(connection.credential())) {
          connection.close(
              ProtocolViolation.POLICY,
              "revoked: " + connection.credential().describe() + " was revoked");
        }
      }
    } catch (RuntimeException e) { // a scheduled task that throws is never run again
      LOG.error("checking for revoked tokens failed", e);
    }
  }

  /** The periodic check of every connection (hello deadline, idle, pings, unfinished closes). */
  void sweep() {
    long now = System.nanoTime();
    connections.values().forEach(connection -> connection.sweep(now, config));
  }
}
