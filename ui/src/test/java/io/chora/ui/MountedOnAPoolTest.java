package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounted on an application's pool, the page hands every connection back as it got it. The "pool"
 * here lends one connection over and over behind a proxy whose close() returns it, as HikariCP's
 * does; its unwrap reaches the real connection, as HikariCP's does.
 */
@Timeout(30)
class MountedOnAPoolTest {
  @TempDir Path dir;
  private Replica laptop;
  private Replica phone;
  private Connection pooled;

  @BeforeEach
  void replicas() throws Exception {
    laptop = Replica.open(dir, "laptop");
    phone = Replica.open(dir, "phone");
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    pooled = DriverManager.getConnection(laptop.url);
  }

  @AfterEach
  void close() throws Exception {
    pooled.close();
    laptop.close();
    phone.close();
  }

  private Connection borrow() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                return null; // back to the pool, open
              }
              try {
                return method.invoke(pooled, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aReadLeavesThePooledConnectionInAutoCommitAndARestoreOnItCommits() throws Exception {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              ConflictUi.mount(config, "/conflicts", this::borrow);
            });
    app.start("127.0.0.1", 0);
    try {
      ApiClient page = new ApiClient("http://127.0.0.1:" + app.port() + "/conflicts/");
      assertThat(page.get("api/status").statusCode()).isEqualTo(200);
      assertThat(page.get("api/conflicts").statusCode()).isEqualTo(200);
      assertThat(pooled.getAutoCommit()).isTrue();

      long id = laptop.chora().conflicts().get(0).id();
      assertThat(page.postAsPage("api/conflicts/" + id + "/restore").statusCode()).isEqualTo(200);
      // seen on another connection: the restore committed
      assertThat(laptop.chora().conflicts()).isEmpty();
      assertThat(laptop.title(1)).isEqualTo("mine");
    } finally {
      app.stop();
    }
  }
}
