package io.chora.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The replica's meters ({@code chora.*}), when Micrometer is on the class path: Boot binds every
 * MeterBinder bean to each registry it makes, under Boot 3 and Boot 4 alike.
 */
@AutoConfiguration(after = ChoraAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean(ChoraSync.class)
public class ChoraMetricsAutoConfiguration {
  @Bean
  ChoraMetrics choraMetrics(ChoraSync replica) {
    return new ChoraMetrics(replica);
  }
}
