package io.chora.jdbc.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CountingUpdatesTest {
  private final CountingUpdates counting = new CountingUpdates();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "UPDATE t SET n = n + 1 WHERE id = ?",
        "update t set n = n - 1",
        "UPDATE t SET n=n+?",
        "UPDATE t SET n = ? + n WHERE id = 1",
        "UPDATE main.t SET n = t.n + 2 * ?",
        "UPDATE t AS x SET n = x.n + abs(?) WHERE id = 3",
        "UPDATE OR IGNORE t SET \"n\" = \"n\" + 1",
        "UPDATE t SET n = n + (SELECT count(*) FROM other) RETURNING n",
        "UPDATE t SET n = 2 * 3 + n",
        "update t set n=(n+?) where id=?",
        "UPDATE t SET n = ((t.n - 1))",
        "INSERT INTO t(id, n) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET n = n + excluded.n",
      })
  void findsIncrements(String sql) {
    assertThat(counting.of(sql).columns()).containsExactly("n");
    assertThat(counting.of(sql).table()).isEqualTo("t");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "UPDATE t SET n = 0",
        "UPDATE t SET n = n * 2",
        "UPDATE t SET n = other + 1",
        "UPDATE t SET n = n + n",
        "UPDATE t SET n = 5 - n",
        "UPDATE t SET n = 2 * n",
        "UPDATE t SET n = n + 1 < 5",
        "UPDATE t SET n = CASE WHEN n > 3 THEN 0 ELSE n + 1 END",
        "UPDATE t SET n = u.n + 1 FROM u WHERE u.id = t.id",
        "UPDATE t SET (n, m) = (n + 1, m)",
        "UPDATE t SET n = n + 1 || 'x'",
        "UPDATE t SET n = n - 1 | 4",
        "UPDATE t SET n = n + abs(n)",
        "UPDATE t SET n = (n + 1) * 2",
        "UPDATE t SET n = (n) + (n)",
        "SELECT n + 1 FROM t",
        "DELETE FROM t WHERE n = n + 1",
        "INSERT INTO t(id, n) VALUES (1, n + 1)",
      })
  void absoluteWritesAreNotIncrements(String sql) {
    assertThat(counting.of(sql).any()).as(sql).isFalse();
  }

  @Test
  void severalColumnsAndTheOthersLeftOut() {
    assertThat(
            counting
                .of("UPDATE t SET a = a + 1, b = 7, c = c - ?, d = (d + 1) * 2 WHERE id = ?")
                .columns())
        .isEqualTo(List.of("a", "c"));
  }

  @Test
  void aTextIsReadOnce() {
    String sql = "UPDATE t SET n = n + 1 WHERE id = ?";
    assertThat(counting.of(sql)).isSameAs(counting.of(new String(sql)));
  }
}
