package io.chora.ui;

import static io.chora.ui.Json.object;

import io.chora.jdbc.ChoraConnection;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * The page and its JSON API under one path prefix. Every handler opens its own connection and
 * closes it before answering, so an open page holds no lock on the database between requests.
 */
final class UiRoutes {
  /**
   * The page runs only its own script and style, and nothing may frame it: a second wall behind
   * building the DOM with textContent.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final ReplicaConnections reads;
  private final ReplicaConnections writes;
  private final AccessGuard guard;
  private final PageAssets assets = new PageAssets();
  private final long pollMillis;

  private UiRoutes(
      ReplicaConnections reads, ReplicaConnections writes, AccessGuard guard, long pollMillis) {
    this.reads = reads;
    this.writes = writes;
    this.guard = guard;
    this.pollMillis = pollMillis;
  }

  /**
   * Adds the routes; {@code prefix} is "" or a path like "/conflicts" without a final slash. Reads
   * open {@code reads} (read-only where the page runs on its own), restore and dismiss {@code
   * writes}.
   */
  static void register(
      JavalinConfig config,
      String prefix,
      ReplicaConnections reads,
      ReplicaConnections writes,
      AccessGuard guard,
      long pollMillis) {
    UiRoutes ui = new UiRoutes(reads, writes, guard, pollMillis);
    var routes = config.routes;
    routes.get(prefix.isEmpty() ? "/" : prefix, ui::page);
    if (!prefix.isEmpty() && !config.router.ignoreTrailingSlashes) {
      routes.get(prefix + "/", ui::page);
    }
    PageAssets.STATIC.forEach(
        (name, type) -> routes.get(prefix + "/" + name, ui.asset(name, type)));
    routes.get(prefix + "/api/status", ui.reading((ctx, chora) -> ReplicaStatus.read(chora)));
    routes.get(
        prefix + "/api/conflicts",
        ui.reading((ctx, chora) -> ConflictQuery.parse(ctx::queryParam).page(chora.conflicts())));
    routes.post(
        prefix + "/api/conflicts/{id}/restore",
        ui.changing((ctx, chora) -> ConflictActions.restore(chora, id(ctx))));
    routes.post(
        prefix + "/api/conflicts/{id}/dismiss",
        ui.changing((ctx, chora) -> ConflictActions.dismiss(chora, id(ctx))));
  }

  private void page(Context ctx) {
    securityHeaders(ctx);
    ctx.header("Cache-Control", "no-store"); // it carries the CSRF token
    try {
      if (!guard.admitPage(ctx)) {
        return;
      }
    } catch (ApiError e) {
      ctx.status(e.status()).contentType("text/plain; charset=utf-8").result(e.getMessage());
      return;
    }
    if (!ctx.path().endsWith("/")) {
      // the page calls its API by relative URLs, which resolve from the directory
      ctx.redirect(ctx.path() + "/", io.javalin.http.HttpStatus.MOVED_PERMANENTLY);
      return;
    }
    ctx.contentType("text/html; charset=utf-8").result(assets.index(guard.csrfToken(), pollMillis));
  }

  private Handler asset(String name, String contentType) {
    byte[] bytes = assets.file(name);
    return ctx -> {
      securityHeaders(ctx);
      ctx.header("Cache-Control", "no-cache");
      ctx.contentType(contentType).result(bytes);
    };
  }

  /** What an API endpoint computes from the request and an open chora connection. */
  @FunctionalInterface
  private interface ApiCall {
    Object answer(Context ctx, ChoraConnection chora) throws SQLException;
  }

  /** An {@link ApiCall} that also sees the connection as the source handed it out. */
  @FunctionalInterface
  private interface ConnectionCall {
    Object answer(Context ctx, Connection conn, ChoraConnection chora) throws SQLException;
  }

  /**
   * A read, in one read transaction: its answer is one consistent snapshot, and it waits for the
   * application's writers at most once instead of before every statement (a busy writer in
   * rollback-journal mode could otherwise starve a dozen small reads).
   *
   * <p>The transaction is begun and ended on the connection as the source handed it out, not on the
   * unwrapped chora connection, and auto-commit is put back: a pool (HikariCP) resets only the
   * state it saw change through its own proxy, so a connection switched behind its back would go
   * back to the pool with auto-commit off, and the application's next writes on it would never
   * commit.
   */
  private Handler reading(ApiCall call) {
    return api(
        guard::checkRead,
        reads,
        (ctx, conn, chora) -> {
          boolean autoCommit = conn.getAutoCommit();
          conn.setAutoCommit(false);
          try {
            return call.answer(ctx, chora);
          } finally {
            conn.rollback(); // nothing to keep: ends the snapshot
            conn.setAutoCommit(autoCommit);
          }
        });
  }

  /** A change: the driver runs it in its own write transaction. */
  private Handler changing(ApiCall call) {
    return api(guard::checkWrite, writes, (ctx, conn, chora) -> call.answer(ctx, chora));
  }

  private Handler api(
      Consumer<Context> check, ReplicaConnections connections, ConnectionCall call) {
    return ctx -> {
      securityHeaders(ctx);
      ctx.header("Cache-Control", "no-store");
      Object body;
      try {
        check.accept(ctx);
        try (Connection conn = connections.open()) {
          body = call.answer(ctx, conn, conn.unwrap(ChoraConnection.class));
        }
      } catch (ApiError e) {
        ctx.status(e.status());
        body = object("error", e.code(), "message", e.getMessage());
      } catch (SQLException e) {
        boolean busy = SqlErrors.isBusy(e);
        ctx.status(busy ? 503 : 500);
        body =
            object(
                "error", busy ? "busy" : "database",
                "message",
                    busy
                        ? "the database is busy with another write; try again"
                        : String.valueOf(e.getMessage()));
      }
      ctx.contentType("application/json; charset=utf-8").result(Json.write(body));
    };
  }

  private static long id(Context ctx) {
    String id = ctx.pathParam("id");
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("a conflict id is a whole number, got '" + id + "'");
    }
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
  }
}
