package io.chora.spring.boot;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The health indicator {@code chora} (off with {@code management.health.chora.enabled=false}), when
 * Spring Boot 3's actuator is on the class path.
 */
@AutoConfiguration(after = ChoraAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
@ConditionalOnBean(ChoraSync.class)
@ConditionalOnEnabledHealthIndicator("chora")
public class ChoraHealthAutoConfiguration {
  @Bean(name = "choraHealthIndicator")
  @ConditionalOnMissingBean(name = "choraHealthIndicator")
  ChoraHealthIndicator choraHealthIndicator(ChoraSync replica) {
    return new ChoraHealthIndicator(replica);
  }
}
