package io.chora.ui;

import static io.chora.ui.ApiClient.conflicts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rows a merge removed to keep a UNIQUE or FOREIGN KEY constraint, as the API shows them. */
@Timeout(30)
class RowConflictApiTest {
  @TempDir Path dir;

  @Test
  void aUniqueClashShowsTheConstraintAndTheWholeRemovedRow() throws Exception {
    try (Replica laptop = Replica.open(dir, "laptop");
        Replica phone = Replica.open(dir, "phone")) {
      laptop.exec("INSERT INTO person(id, email, name) VALUES (10, 'ada@example.com', 'Ada')");
      phone.exec("INSERT INTO person(id, email, name) VALUES (20, 'ada@example.com', 'Lovelace')");
      phone.syncWith(laptop); // the laptop receives the newer claim and removes that row

      Map<String, Object> conflict = onlyConflict(laptop);

      assertThat(conflict)
          .containsEntry("kind", "unique")
          .containsEntry("table", "person")
          .containsEntry("column", "UNIQUE(email)")
          .containsEntry("concurrent", null)
          .containsEntry("key", List.of(typed("integer", 20L)))
          .containsEntry(
              "lostRow",
              List.of(
                  Map.of("column", "id", "value", typed("integer", 20L)),
                  Map.of("column", "email", "value", typed("text", "ada@example.com")),
                  Map.of("column", "name", "value", typed("text", "Lovelace"))));
    }
  }

  @Test
  void aRowLeftWithoutItsParentShowsTheForeignKeyAndTheParentsDeletion() throws Exception {
    String foreignKeys = "&foreign_keys=true";
    try (Replica laptop = Replica.open(dir, "laptop", foreignKeys);
        Replica phone = Replica.open(dir, "phone", foreignKeys)) {
      for (Replica r : List.of(laptop, phone)) {
        r.exec("CREATE TABLE folder(id INTEGER PRIMARY KEY, name TEXT)");
        r.exec(
            "CREATE TABLE doc(id INTEGER PRIMARY KEY, folder INTEGER REFERENCES folder(id),"
                + " body TEXT)");
      }
      laptop.exec("INSERT INTO folder(id, name) VALUES (1, 'drafts')");
      laptop.syncWith(phone);
      laptop.exec("DELETE FROM folder WHERE id = 1");
      phone.exec("INSERT INTO doc(id, folder, body) VALUES (5, 1, 'hello')");
      phone.syncWith(laptop);

      Map<String, Object> conflict = onlyConflict(laptop);

      assertThat(conflict).containsEntry("kind", "foreign_key").containsEntry("table", "doc");
      assertThat((String) conflict.get("column")).contains("folder");
      assertThat(conflict.get("lost"))
          .asInstanceOf(MAP)
          .containsEntry("value", typed("integer", 1L))
          .containsEntry("site", "phone");
      assertThat(conflict.get("kept")).asInstanceOf(MAP).containsEntry("site", "laptop");
    }
  }

  private static Map<String, Object> onlyConflict(Replica replica) throws Exception {
    try (ConflictUi ui = ConflictUi.start(replica.url, UiOptions.defaults())) {
      List<Map<String, Object>> listed = conflicts(new ApiClient(ui.url()).get("api/conflicts"));
      assertThat(listed).hasSize(1);
      return listed.get(0);
    }
  }

  private static Map<String, Object> typed(String type, Object value) {
    return Map.of("type", type, "value", value);
  }
}
