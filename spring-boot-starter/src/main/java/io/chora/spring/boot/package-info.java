/**
 * Spring Boot auto-configuration for applications whose {@code spring.datasource.url} is a {@code
 * jdbc:chora:} URL: {@code chora.*} settings passed to the driver, the merge API as a {@link
 * io.chora.spring.boot.ChoraSync} bean, a health indicator, Micrometer meters and, when asked for,
 * the conflict page on the application's own server. See docs/spring-boot-starter.md.
 */
package io.chora.spring.boot;
