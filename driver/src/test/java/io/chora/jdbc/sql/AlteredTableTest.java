package io.chora.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlteredTableTest {
  private final SqlClassifier classifier = new SqlClassifier();

  @Test
  void namesTheTableOfAnAlterTable() {
    assertThat(classifier.alteredTable("ALTER TABLE note ADD COLUMN x")).isEqualTo("note");
    assertThat(classifier.alteredTable("alter table main.\"my note\" rename to n2"))
        .isEqualTo("my note");
    assertThat(classifier.alteredTable("  /* c */ ALTER TABLE [t] DROP COLUMN y")).isEqualTo("t");
  }

  @Test
  void isNullForAnythingElse() {
    assertThat(classifier.alteredTable("CREATE TABLE note(id)")).isNull();
    assertThat(classifier.alteredTable("SELECT 'ALTER TABLE x'")).isNull();
    assertThat(classifier.alteredTable(null)).isNull();
  }

  @Test
  void readsAColumnRenameButNotATableRename() {
    assertThat(classifier.columnRenamed("ALTER TABLE note RENAME COLUMN title TO heading"))
        .isEqualTo(new SqlClassifier.ColumnRename("note", "title", "heading"));
    assertThat(classifier.columnRenamed("alter table main.\"my note\" rename \"a b\" to [c d]"))
        .isEqualTo(new SqlClassifier.ColumnRename("my note", "a b", "c d"));
    assertThat(classifier.columnRenamed("ALTER TABLE note RENAME TO memo")).isNull();
    assertThat(classifier.columnRenamed("ALTER TABLE note ADD COLUMN x")).isNull();
    assertThat(classifier.columnRenamed(null)).isNull();
  }

  @Test
  void readsTheColumnAnAddNames() {
    assertThat(classifier.columnAdded("ALTER TABLE note ADD COLUMN body TEXT DEFAULT ''"))
        .isEqualTo(new SqlClassifier.ColumnAdd("note", "body"));
    assertThat(classifier.columnAdded("alter table note add \"my body\" text"))
        .isEqualTo(new SqlClassifier.ColumnAdd("note", "my body"));
    assertThat(classifier.columnAdded("ALTER TABLE note DROP COLUMN body")).isNull();
  }
}
