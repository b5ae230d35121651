package io.chora.boot;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One replica: {@link NotesApp}'s application context on a {@code jdbc:chora:} file of its own. */
final class Replica implements AutoCloseable {
  final String site;
  final ConfigurableApplicationContext context;

  private Replica(String site, ConfigurableApplicationContext context) {
    this.site = site;
    this.context = context;
  }

  /**
   * Starts the application on {@code dir/SITE.db}; {@code urlOptions} are appended to the URL and
   * {@code arguments} ({@code --key=value}) override application.properties.
   */
  static Replica start(Path dir, String site, String urlOptions, String... arguments) {
    String url =
        "jdbc:chora:"
            + dir.resolve(site + ".db")
            + "?chora.site="
            + site
            + "&journal_mode=WAL&busy_timeout=10000"
            + urlOptions;
    List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + url));
    args.addAll(List.of(arguments));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(NotesApp.class)
            .web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off", "logging.level.root=WARN")
            .run(args.toArray(String[]::new));
    return new Replica(site, context);
  }

  static Replica start(Path dir, String site) {
    return start(dir, site, "");
  }

  TicketRepository tickets() {
    return context.getBean(TicketRepository.class);
  }

  NoteRepository notes() {
    return context.getBean(NoteRepository.class);
  }

  DataSource dataSource() {
    return context.getBean(DataSource.class);
  }

  /** Work on chora's API, on a connection borrowed from the application's pool. */
  <T> T chora(ChoraWork<T> work) throws SQLException {
    try (Connection connection = dataSource().getConnection()) {
      return work.apply(connection.unwrap(ChoraConnection.class));
    }
  }

  /** Both directions, on one pooled connection of each application. */
  static SyncResult sync(Replica a, Replica b) throws SQLException {
    try (Connection ca = a.dataSource().getConnection();
        Connection cb = b.dataSource().getConnection()) {
      return ca.unwrap(ChoraConnection.class).syncWith(cb.unwrap(ChoraConnection.class));
    }
  }

  /** Every ticket and note, in key order, as one list to compare across replicas. */
  List<String> rows() {
    List<String> rows = new ArrayList<>();
    tickets().findAll(org.springframework.data.domain.Sort.by("id")).forEach(t -> rows.add("" + t));
    notes().findAll(org.springframework.data.domain.Sort.by("id")).forEach(n -> rows.add("" + n));
    return rows;
  }

  @Override
  public void close() {
    context.close();
  }

  @FunctionalInterface
  interface ChoraWork<T> {
    T apply(ChoraConnection chora) throws SQLException;
  }
}
