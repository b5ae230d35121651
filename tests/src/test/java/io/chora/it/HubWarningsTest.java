package io.chora.it;

import static io.chora.it.HubFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misconfigured or unreachable hub is loud, once: the driver logs one WARNING when trouble begins
 * (the hub refuses the token or the workspace, or cannot be reached), none for the retries that
 * meet the same trouble, and another only when the state changed in between. The log is captured
 * from java.util.logging, where System.Logger goes by default.
 */
class HubWarningsTest {
  @TempDir Path dir;
  private HubFixture hubs;
  private final Logger driverLog = Logger.getLogger("io.chora.jdbc"); // held: JUL keeps it weakly
  private final Logger hubLog = Logger.getLogger("io.chora.jdbc.hub");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level hubLevel;

  @BeforeEach
  void setUp() throws Exception {
    hubs = new HubFixture(dir);
    capture.setLevel(Level.ALL);
    driverLog.addHandler(capture);
    hubLevel = hubLog.getLevel();
    hubLog.setLevel(Level.ALL); // the retries too, at DEBUG (FINE), to count them
  }

  @AfterEach
  void tearDown() throws Exception {
    hubs.close();
    driverLog.removeHandler(capture);
    hubLog.setLevel(hubLevel);
  }

  private List<String> logged(Level level, String database) {
    SimpleFormatter text = new SimpleFormatter();
    return records.stream()
        .filter(r -> r.getLevel().equals(level))
        .map(text::formatMessage)
        .filter(m -> m.contains(database))
        .toList();
  }

  private List<String> warnings(String database) {
    return logged(Level.WARNING, database);
  }

  /** Waits until the client met its trouble {@code n} more times after {@code seen} retries. */
  private void awaitRetries(String database, int n) throws InterruptedException {
    int before = logged(Level.FINE, database).size();
    await(n + " more retries", () -> logged(Level.FINE, database).size() >= before + n);
  }

  private String url(String site, String workspace, String token) {
    return "jdbc:chora:"
        + dir.resolve(site + ".db")
        + "?chora.site="
        + site
        + "&chora.hub=ws://127.0.0.1:"
        + hubs.hub.port()
        + "/"
        + workspace
        + "&chora.hub.token="
        + token;
  }

  @Test
  void aWrongTokenIsOneWarningHoweverOftenTheClientRetries() throws Exception {
    try (Connection bad = DriverManager.getConnection(url("phone", "team", "not-the-token"))) {
      await("refused", () -> Db.of(bad).hubStatus().lastError() != null);
      awaitRetries("phone.db", 3);
      assertThat(warnings("phone.db"))
          .singleElement()
          .asString()
          .contains("refused the connection with HTTP 401")
          .contains("chora.hub.token");
      assertThat(Db.of(bad).hubStatus().lastError()).contains("401");
    }
  }

  @Test
  void anUnknownWorkspaceIsOneWarning() throws Exception {
    try (Connection bad = DriverManager.getConnection(url("phone", "nope", HubFixture.TOKEN))) {
      await("refused", () -> Db.of(bad).hubStatus().lastError() != null);
      awaitRetries("phone.db", 3);
      assertThat(warnings("phone.db"))
          .singleElement()
          .asString()
          .contains("/nope")
          .contains("no such workspace");
    }
  }

  @Test
  void aStoppedHubIsOneWarningPerOutage() throws Exception {
    try (Connection laptop = DriverManager.getConnection(url("laptop", "team", HubFixture.TOKEN))) {
      await("connected", () -> Db.of(laptop).hubStatus().connected());
      assertThat(warnings("laptop.db")).isEmpty();
      int port = hubs.hub.port();
      hubs.hub.close();
      await("noticed", () -> !Db.of(laptop).hubStatus().connected());
      awaitRetries("laptop.db", 3);
      assertThat(warnings("laptop.db")).singleElement().asString().contains("127.0.0.1:" + port);
      assertThat(Db.of(laptop).hubStatus().lastError()).isNotNull();
      assertThat(Db.of(laptop).hubStatus().refused()).as("offline is no refusal").isFalse();

      hubs.start(port);
      await("connected again", () -> Db.of(laptop).hubStatus().connected());
      assertThat(logged(Level.INFO, "laptop.db")).singleElement().asString().contains("connected");
      assertThat(warnings("laptop.db")).hasSize(1);

      hubs.hub.close(); // a second outage is a new state: warned of again, once
      await("noticed again", () -> !Db.of(laptop).hubStatus().connected());
      awaitRetries("laptop.db", 2);
      assertThat(warnings("laptop.db")).hasSize(2);
      hubs.hub = null; // closed already
    }
  }
}
