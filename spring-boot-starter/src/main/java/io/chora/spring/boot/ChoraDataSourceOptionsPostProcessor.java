package io.chora.spring.boot;

import io.chora.jdbc.ChoraDataSource;
import io.chora.jdbc.ChoraDriver;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Names chora's driver for Boot's data source properties, and hands the {@code chora.*} settings to
 * the pool before it opens its first connection: HikariCP (Boot's default pool) passes its data
 * source properties to the driver as connection properties, and a {@link ChoraDataSource} takes
 * them directly. Any other DataSource cannot be given them, so settings for it are refused at
 * startup instead of being silently dropped.
 */
final class ChoraDataSourceOptionsPostProcessor implements BeanPostProcessor, EnvironmentAware {
  private static final boolean HIKARI =
      ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", null);

  /** Boot's spring.datasource.* bean, under Boot 3's package and Boot 4's. */
  private static final java.util.Set<String> DATA_SOURCE_PROPERTIES =
      java.util.Set.of(
          "org.springframework.boot.autoconfigure.jdbc.DataSourceProperties",
          "org.springframework.boot.jdbc.autoconfigure.DataSourceProperties");

  private Properties options;

  @Override
  public void setEnvironment(Environment environment) {
    this.options = ChoraDriverOptions.of(ChoraDriverOptions.bind(environment));
  }

  /**
   * Names chora's driver when {@code spring.datasource.driver-class-name} is not set: Boot knows
   * drivers by URL prefix and refuses to build a pool for one it does not know. After
   * initialization, so that the properties are bound.
   */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (DATA_SOURCE_PROPERTIES.contains(bean.getClass().getName())) {
      BeanWrapper properties = new BeanWrapperImpl(bean);
      if (ChoraDriverOptions.isChoraUrl((String) properties.getPropertyValue("url"))
          && properties.getPropertyValue("driverClassName") == null) {
        properties.setPropertyValue("driverClassName", ChoraDriver.class.getName());
      }
    }
    return bean;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName)
      throws BeansException {
    if (!(bean instanceof DataSource) || options.isEmpty()) {
      return bean;
    }
    if (bean instanceof ChoraDataSource chora) {
      options.forEach((k, v) -> chora.setProperty((String) k, (String) v));
    } else if (HIKARI && Hikari.accepts(bean)) {
      Hikari.addOptions(bean, options);
    } else if (ChoraDriverOptions.isChoraUrl(urlOf(bean))) {
      throw new BeanInitializationException(
          "chora.* settings reach the driver through HikariCP or a ChoraDataSource; data source "
              + beanName
              + " is a "
              + bean.getClass().getName()
              + ": write the options into spring.datasource.url instead");
    }
    return bean;
  }

  /** The URL of another pool (Tomcat's, DBCP2's, Spring's own data sources name it "url"). */
  private static String urlOf(Object bean) {
    BeanWrapper properties = new BeanWrapperImpl(bean);
    for (String name : new String[] {"url", "jdbcUrl"}) {
      if (properties.isReadableProperty(name)
          && properties.getPropertyValue(name) instanceof String url) {
        return url;
      }
    }
    return null;
  }

  /** Kept apart so that HikariCP stays optional: loaded only when it is on the class path. */
  private static final class Hikari {
    static boolean accepts(Object bean) {
      return bean instanceof com.zaxxer.hikari.HikariDataSource hikari
          && ChoraDriverOptions.isChoraUrl(hikari.getJdbcUrl());
    }

    static void addOptions(Object bean, Properties options) {
      com.zaxxer.hikari.HikariDataSource hikari = (com.zaxxer.hikari.HikariDataSource) bean;
      options.forEach((k, v) -> hikari.addDataSourceProperty((String) k, v));
    }
  }
}
