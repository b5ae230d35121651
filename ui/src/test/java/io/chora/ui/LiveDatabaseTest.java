package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page reads and resolves while the application writes to the same file without pausing. In WAL
 * mode, which such an application should use, no request of the page waits for it; with SQLite's
 * default rollback journal a writer that never pauses can starve readers (the API then answers 503
 * and the page retries at its next poll).
 */
@Timeout(30)
class LiveDatabaseTest {
  private static final String WAL = "&journal_mode=WAL";

  @TempDir Path dir;

  @Test
  void theApplicationKeepsWritingWhileThePageIsPolledAndUsed() throws Exception {
    try (Replica laptop = Replica.open(dir, "laptop", WAL);
        Replica phone = Replica.open(dir, "phone");
        Replica app = Replica.open(dir, "laptop", WAL); // the application's own connection
        ConflictUi ui = ConflictUi.start(laptop.url, UiOptions.defaults())) {
      laptop.concurrentEdits(phone, "note", 1, 10);
      ApiClient api = new ApiClient(ui.url());
      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        Future<Integer> writes =
            writer.submit(
                () -> {
                  int n = 0;
                  while (writing.get()) {
                    app.exec("INSERT INTO tag(name) VALUES (?)", "written while polled " + n++);
                    // a restore is a write: SQLite's lock is not fair, so a writer that never lets
                    // go for even a millisecond would starve it (reads do not wait, in WAL)
                    Thread.sleep(1);
                  }
                  return n;
                });
        for (int i = 0; i < 25; i++) {
          assertThat(api.get("api/status").statusCode()).isEqualTo(200);
          assertThat(api.get("api/conflicts?limit=5").statusCode()).isEqualTo(200);
        }
        long id = laptop.chora().conflicts().get(0).id();
        assertThat(api.postAsPage("api/conflicts/" + id + "/restore").statusCode()).isEqualTo(200);
        writing.set(false);
        assertThat(writes.get()).isPositive();
      } finally {
        writing.set(false);
        writer.shutdown();
      }
      assertThat(laptop.chora().conflicts()).hasSize(9);
    }
  }
}
