package io.chora.spring.boot;

import io.chora.jdbc.ChoraDataSource;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Applies when {@code spring.datasource.url} starts with {@code jdbc:chora:}: passes the {@code
 * chora.*} settings to the pool and makes the {@link ChoraSync} bean. The data source itself stays
 * Boot's (or the application's): chora is a JDBC driver, so the pool needs nothing else.
 *
 * <p>Ordered after the DataSource auto-configuration by name, under Boot 3's package and Boot 4's,
 * so that the class does not have to be on the class path.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@Conditional(OnChoraUrlCondition.class)
@EnableConfigurationProperties(ChoraProperties.class)
public class ChoraAutoConfiguration {
  private static final boolean HIKARI =
      ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", null);

  /** Static: a BeanPostProcessor is made before other beans, and must not wait for this class. */
  @Bean
  static ChoraDataSourceOptionsPostProcessor choraDataSourceOptionsPostProcessor() {
    return new ChoraDataSourceOptionsPostProcessor();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(DataSource.class)
  ChoraSync choraSync(DataSource dataSource, Environment environment) throws SQLException {
    // the URL and options the pool really uses, so both open the same replica the same way
    if (HIKARI && dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari) {
      Properties options = new Properties();
      options.putAll(hikari.getDataSourceProperties());
      return new ChoraSync(hikari.getJdbcUrl(), options);
    }
    if (dataSource instanceof ChoraDataSource chora) {
      return new ChoraSync(chora.getUrl(), chora.getProperties());
    }
    return new ChoraSync(
        environment.getProperty(ChoraDriverOptions.URL_PROPERTY),
        ChoraDriverOptions.of(ChoraDriverOptions.bind(environment)));
  }
}
