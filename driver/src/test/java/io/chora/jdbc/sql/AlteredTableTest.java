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
}
