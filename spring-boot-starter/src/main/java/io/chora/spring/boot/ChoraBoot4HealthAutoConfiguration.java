package io.chora.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The health indicator {@code chora} under Spring Boot 4 (spring-boot-health on the class path);
 * {@link ChoraHealthAutoConfiguration} is Boot 3's. Off with {@code
 * management.health.chora.enabled=false}, as there.
 */
@AutoConfiguration(after = ChoraAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
@ConditionalOnBean(ChoraSync.class)
@ConditionalOnEnabledHealthIndicator("chora")
public class ChoraBoot4HealthAutoConfiguration {
  @Bean(name = "choraHealthIndicator")
  @ConditionalOnMissingBean(name = "choraHealthIndicator")
  ChoraBoot4HealthIndicator choraHealthIndicator(ChoraSync replica) {
    return new ChoraBoot4HealthIndicator(replica);
  }
}
