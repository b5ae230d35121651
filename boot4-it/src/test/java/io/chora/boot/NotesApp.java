package io.chora.boot;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary Spring Boot application with Spring Data JPA: nothing in it knows about chora. The
 * tests start it on {@code jdbc:chora:} files with the properties of {@code application.properties}
 * (what docs/spring-boot.md lists).
 */
@SpringBootApplication
public class NotesApp {}
