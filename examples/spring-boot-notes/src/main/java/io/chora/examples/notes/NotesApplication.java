package io.chora.examples.notes;

import io.chora.spring.boot.ChoraSync;
import io.chora.sync.SyncResult;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A notes app on plain JdbcTemplate; chora makes its database a replica that syncs. */
@SpringBootApplication
@RestController
public class NotesApplication {
  private final JdbcTemplate db;
  private final ChoraSync chora;

  NotesApplication(JdbcTemplate db, ChoraSync chora) {
    this.db = db;
    this.chora = chora;
  }

  public static void main(String[] args) {
    SpringApplication.run(NotesApplication.class, args);
  }

  @GetMapping("/notes")
  List<Map<String, Object>> notes() {
    return db.queryForList("SELECT id, title FROM note ORDER BY id");
  }

  /**
   * The new note's id, as SQLite generated it: chora gives each replica keys of its own, so the
   * newest note is not the one with the highest id.
   */
  @PostMapping(path = "/notes", consumes = "text/plain")
  Map<String, Object> add(@RequestBody String title) {
    KeyHolder key = new GeneratedKeyHolder();
    db.update(
        c -> {
          PreparedStatement insert =
              c.prepareStatement("INSERT INTO note(title) VALUES (?)", new String[] {"id"});
          insert.setString(1, title);
          return insert;
        },
        key);
    return Map.of("id", key.getKey().longValue());
  }

  /** Syncs with another replica's file, e.g. {@code POST /sync?peer=phone.db}. */
  @PostMapping("/sync")
  SyncResult sync(@RequestParam String peer) throws SQLException {
    return chora.syncWith("jdbc:chora:" + peer + "?busy_timeout=10000");
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            a -> a.requestMatchers("/actuator/health").permitAll().anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        // a JSON API called with basic auth; the conflict page checks its own CSRF token
        .csrf(csrf -> csrf.disable())
        .build();
  }
}
