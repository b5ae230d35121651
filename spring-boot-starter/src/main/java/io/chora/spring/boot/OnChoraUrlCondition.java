package io.chora.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code spring.datasource.url} is a {@code jdbc:chora:} URL. Keyed on the property,
 * not on a DataSource bean, because conditions are decided before beans exist; an application that
 * builds its own DataSource sets the property too (docs/spring-boot-starter.md).
 */
final class OnChoraUrlCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    String url = context.getEnvironment().getProperty(ChoraDriverOptions.URL_PROPERTY);
    ConditionMessage.Builder message =
        ConditionMessage.forCondition("chora data source", ChoraDriverOptions.URL_PROPERTY);
    if (ChoraDriverOptions.isChoraUrl(url)) {
      return ConditionOutcome.match(message.because("it starts with jdbc:chora:"));
    }
    return ConditionOutcome.noMatch(
        message.because(url == null ? "it is not set" : "it does not start with jdbc:chora:"));
  }
}
