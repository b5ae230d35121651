package io.chora.spring.boot;

import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The conflict page under {@code chora.conflict-page.path}, only with {@code
 * chora.conflict-page.enabled=true}, chora-ui on the class path and a servlet web application. It
 * is registered as a servlet like any of the application's, so the application's security filter
 * chain guards it: the page can restore and dismiss conflicts, so secure its path.
 */
@AutoConfiguration(after = ChoraAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"io.chora.ui.ConflictUi", "io.javalin.http.servlet.JavalinServlet"})
@ConditionalOnBean(ChoraSync.class)
@ConditionalOnProperty(prefix = "chora.conflict-page", name = "enabled", havingValue = "true")
public class ChoraConflictPageAutoConfiguration {
  @Bean
  ServletRegistrationBean<ConflictPageServlet> choraConflictPage(
      ChoraProperties properties, DataSource dataSource) {
    String path = properties.getConflictPage().getPath().strip();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty()) {
      throw new IllegalStateException(
          "chora.conflict-page.path must name a path of its own, such as /admin/conflicts");
    }
    ServletRegistrationBean<ConflictPageServlet> registration =
        new ServletRegistrationBean<>(new ConflictPageServlet(path, dataSource), path, path + "/*");
    registration.setName("choraConflictPage");
    return registration;
  }
}
