package io.chora.spring.boot;

import io.chora.ui.ConflictUi;
import io.javalin.Javalin;
import io.javalin.http.servlet.JavalinServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import javax.sql.DataSource;

/**
 * The conflict page as a servlet of the application's own server. chora-ui declares its routes on a
 * Javalin config ({@link ConflictUi#mount}); Javalin's plain {@link JavalinServlet} runs them in
 * any servlet container, so the page answers on Tomcat (or Boot's Jetty, or Undertow) without a
 * server of its own and behind the application's filters, Spring Security's among them.
 *
 * <p>The plain servlet, not {@code Javalin#javalinServlet()}: that one is Jetty's WebSocket servlet
 * whenever Jetty's WebSocket classes are on the class path, and it needs Jetty's container.
 */
final class ConflictPageServlet extends HttpServlet {
  private final transient JavalinServlet javalin;

  ConflictPageServlet(String path, DataSource dataSource) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              // the page's connections come from the application's pool, one per request, returned
              // before the answer (docs/conflict-page.md)
              ConflictUi.mount(config, path, dataSource::getConnection);
            });
    this.javalin = new JavalinServlet(app.unsafe);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    javalin.handle(request, response);
  }
}
