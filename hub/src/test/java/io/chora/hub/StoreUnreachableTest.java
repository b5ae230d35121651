package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * The server's refusals a test cluster (trust authentication) cannot give, wrapped as HikariCP
 * wraps them: a wrong password and a user without rights, in chora's words with what to do.
 */
class StoreUnreachableTest {
  private static final StoreUrl STORE =
      new StoreUrl("jdbc:postgresql://db.example:6543/notes?user=hub", null);

  private static StoreUnreachable pooled(String message, String state) {
    return StoreUnreachable.of(
        "open the store",
        STORE,
        new SQLTransientConnectionException(
            "chora-hub-store - Connection is not available, request timed out after 5001ms",
            new SQLException(message, state)));
  }

  @Test
  void aWrongPasswordNamesTheUserAndWhereThePasswordGoes() {
    StoreUnreachable e = pooled("FATAL: password authentication failed for user \"hub\"", "28P01");
    assertThat(e.getMessage())
        .isEqualTo(
            "cannot open the store jdbc:postgresql://db.example:6543/notes?user=hub: PostgreSQL"
                + " at db.example:6543 refused the password of user hub");
    assertThat(e.hint()).isEqualTo("give the right one in " + StoreUrl.PASSWORD_ENV);
  }

  @Test
  void aUserWithoutRightsIsToldWhichGrantIsMissing() {
    StoreUnreachable e = pooled("ERROR: permission denied for database notes", "42501");
    assertThat(e.getMessage())
        .endsWith(
            ": user hub may not create the hub's schema in notes: permission denied for"
                + " database notes")
        .doesNotContain("Connection is not available");
    assertThat(e.hint()).startsWith("GRANT CREATE ON DATABASE notes TO hub");
  }
}
