package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.ChoraDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade driven by Flyway ({@code src/test/resources/db/rolling}): three replicas on V1
 * with data; a migrates to V2 (a column with a default, a new table, a renamed column) and writes
 * to all of it; b stays on V1 and writes; c stays on V1 and only relays. They sync pairwise by
 * {@code syncWith} and by exported sets, in a random order, and no set is refused; b and c show
 * what V1 can show of a's data (a's headings as titles: a sends a renamed column under its old name
 * too). Then b and c migrate, and every table is equal on all three and to a reference model: each
 * cell holds the last write to it (writes are spaced so that their order is their stamps' order),
 * under its V2 name. Seeded: 4 seeds by default, {@code -Dchora.rolling.seeds=<n>} runs more,
 * {@code -Dchora.rolling.seed=<seed>} replays one. The hub's part is {@link HubSchemaVersionsTest}.
 */
class RollingUpgradeTest {
  private static final int SEEDS = Integer.getInteger("chora.rolling.seeds", 4);
  private static final int STEPS = 80;
  private static final String TABLES = "&chora.tables=note,tag";

  @TempDir Path dir;

  private final Map<String, Connection> open = new LinkedHashMap<>();
  private final Map<String, Integer> versions = new TreeMap<>();

  /** The model: table → key → column → the last value written, under V2 names. */
  private final Map<String, Map<String, Map<String, String>>> model = new TreeMap<>();

  private final List<String> trace = new ArrayList<>();

  @Test
  void replicasOnTwoVersionsKeepEveryWriteAndEndEqualOnceAllMigrate() throws Exception {
    String only = System.getProperty("chora.rolling.seed");
    for (long seed = 1; seed <= SEEDS; seed++) {
      if (only != null && Long.parseLong(only) != seed) {
        continue;
      }
      Path run = Files.createDirectories(dir.resolve("seed-" + seed));
      try {
        runOnce(run, new Random(seed));
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.rolling.seed=" + seed + "): " + trace, e);
      } finally {
        closeAll();
        model.clear();
        versions.clear();
        trace.clear();
      }
    }
  }

  private void runOnce(Path run, Random random) throws Exception {
    for (String site : List.of("a", "b", "c")) {
      migrate(run, site, "1");
    }
    writeTitle("a", "INSERT INTO note VALUES ('a0', 'first')", "a0", "first");
    writeTitle("b", "INSERT INTO note VALUES ('b0', 'second')", "b0", "second");
    sync(run, "a", "b", false);
    sync(run, "a", "c", false);
    migrate(run, "a", "2");

    int next = 1;
    for (int step = 0; step < STEPS; step++) {
      int what = random.nextInt(10);
      if (what < 3) {
        writeAsA(random, next++);
      } else if (what < 5) {
        writeAsB(random, next++);
      } else {
        String[] pair = PAIRS[random.nextInt(PAIRS.length)];
        sync(run, pair[0], pair[1], random.nextBoolean());
      }
    }
    settle(run);
    // V1 shows every note with its heading as title (a sends a heading under title too)
    String v1Notes = "SELECT id, title FROM note ORDER BY id";
    List<String> v1View = new ArrayList<>();
    model
        .get("note")
        .forEach((k, cells) -> v1View.add(k + "|" + cells.getOrDefault("heading", "")));
    assertThat(rows(conn(run, "b"), v1Notes))
        .isEqualTo(rows(conn(run, "c"), v1Notes))
        .isEqualTo(v1View);

    migrate(run, "b", "latest");
    migrate(run, "c", "latest");
    settle(run);
    for (String table : List.of("note", "tag")) {
      String all = table.equals("note") ? NOTES : TAGS;
      List<String> expected = expected(table);
      for (String site : versions.keySet()) {
        assertThat(rows(conn(run, site), all)).as("%s on %s", table, site).isEqualTo(expected);
        assertThat(open.get(site).unwrap(ChoraConnection.class).heldAside()).isEmpty();
      }
    }
  }

  /** c relays: it meets a and b; a and b also meet each other now and then. */
  private static final String[][] PAIRS = {
    {"a", "c"}, {"c", "b"}, {"b", "c"}, {"c", "a"}, {"a", "b"}
  };

  private static final String NOTES = "SELECT id, heading, body FROM note ORDER BY id";
  private static final String TAGS = "SELECT id, note, name FROM tag ORDER BY id";

  private void writeAsA(Random random, int n) throws Exception {
    List<String> notes = rows(open.get("a"), "SELECT id FROM note ORDER BY id");
    String note = notes.get(random.nextInt(notes.size()));
    switch (random.nextInt(4)) {
      case 0 -> {
        String id = "a" + n;
        write(
            "a",
            "INSERT INTO note VALUES ('" + id + "', 'h" + n + "', 'b" + n + "')",
            "note",
            id,
            "heading",
            "h" + n);
        model.get("note").get(id).put("body", "b" + n);
      }
      case 1 ->
          write(
              "a",
              "UPDATE note SET body = 'b" + n + "' WHERE id = '" + note + "'",
              "note",
              note,
              "body",
              "b" + n);
      case 2 ->
          write(
              "a",
              "UPDATE note SET heading = 'h" + n + "' WHERE id = '" + note + "'",
              "note",
              note,
              "heading",
              "h" + n);
      default -> {
        List<String> tags = rows(open.get("a"), "SELECT id FROM tag ORDER BY id");
        if (tags.isEmpty() || random.nextBoolean()) {
          String id = "t" + n;
          write(
              "a",
              "INSERT INTO tag VALUES ('" + id + "', '" + note + "', 'n" + n + "')",
              "tag",
              id,
              "name",
              "n" + n);
          model.get("tag").get(id).put("note", note);
        } else {
          String tag = tags.get(random.nextInt(tags.size()));
          write(
              "a",
              "UPDATE tag SET name = 'n" + n + "' WHERE id = '" + tag + "'",
              "tag",
              tag,
              "name",
              "n" + n);
        }
      }
    }
  }

  private void writeAsB(Random random, int n) throws Exception {
    if (random.nextBoolean()) {
      String id = "b" + n;
      writeTitle("b", "INSERT INTO note VALUES ('" + id + "', 'v1-" + n + "')", id, "v1-" + n);
    } else {
      List<String> notes = rows(open.get("b"), "SELECT id FROM note ORDER BY id");
      String note = notes.get(random.nextInt(notes.size()));
      writeTitle(
          "b", "UPDATE note SET title = 'v1-" + n + "' WHERE id = '" + note + "'", note, "v1-" + n);
    }
  }

  /** A write on V1's schema: of title, which V2 calls heading. */
  private void writeTitle(String site, String sql, String key, String value) throws Exception {
    write(site, sql, "note", key, "heading", value);
  }

  /** Runs {@code sql} on {@code site}, and records its cell in the model as the latest write. */
  private void write(String site, String sql, String table, String key, String column, String value)
      throws Exception {
    Thread.sleep(2); // a later write gets a later stamp, whichever replica makes it
    exec(open.get(site), sql);
    trace.add(site + ": " + sql);
    model
        .computeIfAbsent(table, t -> new TreeMap<>())
        .computeIfAbsent(key, k -> new TreeMap<>())
        .put(column, value);
  }

  private List<String> expected(String table) {
    List<String> rows = new ArrayList<>();
    model
        .getOrDefault(table, Map.of())
        .forEach(
            (key, cells) ->
                rows.add(
                    table.equals("note")
                        ? key
                            + "|"
                            + cells.getOrDefault("heading", "")
                            + "|"
                            + cells.getOrDefault("body", "")
                        : key + "|" + cells.get("note") + "|" + cells.get("name")));
    return rows;
  }

  /** One round both ways, by syncWith or as an exported set written to bytes and read back. */
  private void sync(Path run, String x, String y, boolean byFile) throws Exception {
    trace.add("sync " + x + " " + y + (byFile ? " by file" : ""));
    ChoraConnection from = conn(run, x).unwrap(ChoraConnection.class);
    ChoraConnection to = conn(run, y).unwrap(ChoraConnection.class);
    if (!byFile) {
      from.syncWith(to);
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    from.changesSince(to.clock(), out);
    to.apply(new ByteArrayInputStream(out.toByteArray()));
  }

  /** Syncs along c until all clocks agree. */
  private void settle(Path run) throws Exception {
    for (int round = 0; round < 4; round++) {
      sync(run, "a", "c", false);
      sync(run, "b", "c", false);
    }
    ChoraConnection a = conn(run, "a").unwrap(ChoraConnection.class);
    for (String site : versions.keySet()) {
      assertThat(conn(run, site).unwrap(ChoraConnection.class).clock()).isEqualTo(a.clock());
    }
  }

  /** Runs Flyway on the replica's file (its connection closed meanwhile), as the app would. */
  private void migrate(Path run, String site, String target) throws SQLException {
    Connection c = open.remove(site);
    if (c != null) {
      c.close();
    }
    Flyway.configure()
        .dataSource(new ChoraDataSource(url(run, site)))
        .locations("classpath:db/rolling")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(target)
        .load()
        .migrate();
    versions.put(site, target.equals("1") ? 1 : 2);
    trace.add(site + " migrates to " + target);
    conn(run, site);
  }

  private Connection conn(Path run, String site) throws SQLException {
    Connection c = open.get(site);
    if (c == null) {
      c = DriverManager.getConnection(url(run, site));
      open.put(site, c);
    }
    return c;
  }

  private static String url(Path run, String site) {
    return "jdbc:chora:" + run.resolve(site + ".db") + "?chora.site=" + site + TABLES;
  }

  private void closeAll() throws SQLException {
    for (Connection c : open.values()) {
      c.close();
    }
    open.clear();
  }
}
