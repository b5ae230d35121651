package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On its own server the page reads the file read-only: showing it never writes, not even to adopt
 * rows another program wrote (which a read-write open would commit as a transaction); restoring and
 * dismissing still write.
 */
@Timeout(30)
class PageReadsNeverWriteTest {
  @TempDir Path dir;

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void readingThePageLeavesTheFileAsItWasAndRestoringWrites() throws Exception {
    Path file = dir.resolve("laptop.db");
    try (Replica laptop = Replica.open(dir, "laptop");
        Replica phone = Replica.open(dir, "phone")) {
      laptop.concurrentEdits(phone, "note", 1, 2);
    }
    try (ConflictUi ui = ConflictUi.start("jdbc:chora:" + file, UiOptions.defaults())) {
      ApiClient api = new ApiClient(ui.url());
      assertThat(api.get("api/status").statusCode()).isEqualTo(200);
      long id;
      try (Connection look = DriverManager.getConnection("jdbc:chora:" + file + "?open_mode=1")) {
        id = look.unwrap(io.chora.jdbc.ChoraConnection.class).conflicts().get(0).id();
      }
      // another program writes: the capture triggers log it, no commit marker yet
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = other.createStatement()) {
        st.execute("INSERT INTO tag(name) VALUES ('by another program')");
      }
      String before = sha256(file);
      for (String path : new String[] {"api/status", "api/conflicts", ""}) {
        api.get(path);
      }
      assertThat(sha256(file)).isEqualTo(before);
      assertThat(api.postAsPage("api/conflicts/" + id + "/restore").statusCode()).isEqualTo(200);
      assertThat(sha256(file)).isNotEqualTo(before);
    }
  }
}
