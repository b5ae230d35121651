package io.chora.ui;

import static io.chora.ui.ApiClient.conflicts;
import static io.chora.ui.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.sync.Conflict;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API against a running server and real replica files. */
@Timeout(30)
class ConflictApiTest {
  @TempDir Path dir;
  private Replica laptop;
  private Replica phone;
  private ConflictUi ui;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    laptop = Replica.open(dir, "laptop");
    phone = Replica.open(dir, "phone");
    ui = ConflictUi.start(laptop.url, UiOptions.defaults());
    api = new ApiClient(ui.url());
  }

  @AfterEach
  void stop() throws Exception {
    ui.close();
    laptop.close();
    phone.close();
  }

  @Test
  void listsEachConflictWithBothValuesTheirWritersAndWhen() throws Exception {
    laptop.concurrentTitles(phone, 1, "groceries for the weekend", "GROCERIES");
    Conflict expected = laptop.chora().conflicts().get(0);

    HttpResponse<String> response = api.get("api/conflicts");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    Map<String, Object> page = json(response);
    assertThat(page).containsEntry("total", 1L).containsEntry("offset", 0L);
    Map<String, Object> conflict = conflicts(response).get(0);
    assertThat(conflict)
        .containsEntry("id", expected.id())
        .containsEntry("kind", "cell")
        .containsEntry("table", "note")
        .containsEntry("column", "title")
        .containsEntry("status", "open")
        .containsEntry("concurrent", true)
        .containsEntry("key", List.of(Map.of("type", "integer", "value", 1L)));
    assertWrite(conflict.get("kept"), expected.kept(), expected.keptDot().site());
    assertWrite(conflict.get("lost"), expected.lost(), expected.lostDot().site());
    assertThat(List.of(site(conflict, "kept"), site(conflict, "lost")))
        .containsExactlyInAnyOrder("laptop", "phone");
  }

  @SuppressWarnings("unchecked")
  private static void assertWrite(Object json, Object value, String site) {
    Map<String, Object> write = (Map<String, Object>) json;
    assertThat(write.get("value")).isEqualTo(Map.of("type", "text", "value", value));
    assertThat(write.get("site")).isEqualTo(site);
    assertThat((Long) write.get("seq")).isPositive();
    Instant at = Instant.parse((String) write.get("at"));
    assertThat(at).isBetween(Instant.now().minusSeconds(60), Instant.now());
  }

  @SuppressWarnings("unchecked")
  private static String site(Map<String, Object> conflict, String side) {
    return (String) ((Map<String, Object>) conflict.get(side)).get("site");
  }

  @Test
  void filtersByTableAndSiteAndPagesNewestFirst() throws Exception {
    try (Replica tablet = Replica.open(dir, "tablet")) {
      laptop.concurrentEdits(phone, "note", 1, 30);
      laptop.concurrentEdits(tablet, "tag", 1, 5);

      assertThat(json(api.get("api/conflicts"))).containsEntry("total", 35L);
      assertThat(json(api.get("api/conflicts?table=tag"))).containsEntry("total", 5L);
      assertThat(json(api.get("api/conflicts?site=tablet"))).containsEntry("total", 5L);
      assertThat(json(api.get("api/conflicts?site=phone&table=tag"))).containsEntry("total", 0L);
      assertThat(json(api.get("api/conflicts")))
          .containsEntry("tables", List.of("note", "tag"))
          .containsEntry("sites", List.of("laptop", "phone", "tablet"));

      List<Long> firstPage = ids(api.get("api/conflicts?table=note&limit=20"));
      List<Long> secondPage = ids(api.get("api/conflicts?table=note&limit=20&offset=20"));
      assertThat(firstPage).hasSize(20).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(secondPage).hasSize(10).doesNotContainAnyElementsOf(firstPage);
      assertThat(firstPage.get(19)).isGreaterThan(secondPage.get(0));
      assertThat(json(api.get("api/conflicts?offset=500"))).containsEntry("total", 35L);
      assertThat(conflicts(api.get("api/conflicts?offset=500"))).isEmpty();
    }
  }

  private static List<Long> ids(HttpResponse<String> response) {
    return conflicts(response).stream().map(c -> (Long) c.get("id")).toList();
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusShowsTheClockPeersPendingTransactionsAndRecentSyncs() throws Exception {
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    laptop.exec("INSERT INTO note(id, title) VALUES (2, 'after the sync')");
    laptop.exec("INSERT INTO note(id, title) VALUES (3, 'still offline')");

    Map<String, Object> status = json(api.get("api/status"));

    assertThat(status).containsEntry("site", "laptop").containsEntry("openConflicts", 1L);
    Map<String, Object> clock = (Map<String, Object>) status.get("clock");
    assertThat(clock).containsOnlyKeys("laptop", "phone");
    Map<String, Object> peer = ((List<Map<String, Object>>) status.get("peers")).get(0);
    assertThat(peer).containsEntry("site", "phone").containsEntry("pending", 2L);
    assertThat(peer.get("lastSync")).isNotNull();
    List<Map<String, Object>> syncs = (List<Map<String, Object>>) status.get("syncs");
    assertThat(syncs).isNotEmpty().allSatisfy(s -> assertThat(s).containsEntry("peer", "phone"));
    assertThat(syncs.stream().mapToLong(s -> (Long) s.get("conflicts")).sum()).isEqualTo(1);
    assertThat(status.get("latestConflictId")).isEqualTo(laptop.chora().conflicts().get(0).id());
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusListsTheEnvelopesFromTheHubHeldBack() throws Exception {
    assertThat((List<?>) json(api.get("api/status")).get("heldBack")).isEmpty();
    laptop
        .chora()
        .unwrap(io.chora.jdbc.shared.ReplicaConnection.class)
        .quarantine(
            new io.chora.jdbc.shared.QuarantineTable.Kept("mallory", 1, 2, "{}", "Z2FyYmFnZQ=="),
            "cannot read it: <script>alert(1)</script>",
            null);

    List<Map<String, Object>> held =
        (List<Map<String, Object>>) json(api.get("api/status")).get("heldBack");

    assertThat(held).hasSize(1);
    assertThat(held.get(0))
        .containsEntry("origin", "mallory")
        .containsEntry("first", 1L)
        .containsEntry("last", 2L)
        .containsEntry("reason", "cannot read it: <script>alert(1)</script>")
        .containsEntry("waitsFor", null)
        .containsEntry("attempts", 1L);
  }

  @Test
  void pendingCountsWhatEachSiteHoldsBeyondThePeersClock() {
    var mine = io.chora.sync.VectorClock.of(Map.of("a", 5L, "b", 3L, "c", 1L));
    var peer = io.chora.sync.VectorClock.of(Map.of("a", 2L, "b", 4L));
    assertThat(ReplicaStatus.pending(mine, peer)).isEqualTo(3 + 0 + 1);
  }

  @Test
  void restoreWritesTheLostValueBackAndItReachesThePeer() throws Exception {
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    Conflict conflict = laptop.chora().conflicts().get(0);

    HttpResponse<String> restored = api.postAsPage("api/conflicts/" + conflict.id() + "/restore");

    assertThat(restored.statusCode()).isEqualTo(200);
    assertThat(json(restored)).containsEntry("status", "restored");
    assertThat(laptop.title(1)).isEqualTo(conflict.lost());
    assertThat(json(api.get("api/conflicts"))).containsEntry("total", 0L);
    laptop.syncWith(phone);
    assertThat(phone.title(1)).isEqualTo(conflict.lost());

    HttpResponse<String> again = api.postAsPage("api/conflicts/" + conflict.id() + "/restore");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again)).containsEntry("error", "already_resolved");
  }

  @Test
  void dismissKeepsTheWinner() throws Exception {
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    Conflict conflict = laptop.chora().conflicts().get(0);

    HttpResponse<String> dismissed = api.postAsPage("api/conflicts/" + conflict.id() + "/dismiss");

    assertThat(dismissed.statusCode()).isEqualTo(200);
    assertThat(json(dismissed)).containsEntry("status", "dismissed");
    assertThat(laptop.title(1)).isEqualTo(conflict.kept());
    assertThat(laptop.chora().conflicts()).isEmpty();
    assertThat(api.postAsPage("api/conflicts/" + conflict.id() + "/dismiss").statusCode())
        .isEqualTo(409);
    assertThat(api.postAsPage("api/conflicts/" + conflict.id() + "/restore").statusCode())
        .isEqualTo(409);
  }

  @Test
  void restoringARowThatIsGoneIsAConflictWithTheData() throws Exception {
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    long id = laptop.chora().conflicts().get(0).id();
    laptop.exec("DELETE FROM note WHERE id = 1");

    HttpResponse<String> response = api.postAsPage("api/conflicts/" + id + "/restore");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(json(response)).containsEntry("error", "restore_refused");
    assertThat((String) json(response).get("message")).contains("no longer exists");
  }

  @Test
  void unknownIdsAndBadParametersAreClearErrors() {
    assertError(api.postAsPage("api/conflicts/999/restore"), 404, "not_found");
    assertError(api.postAsPage("api/conflicts/999/dismiss"), 404, "not_found");
    assertError(api.postAsPage("api/conflicts/abc/restore"), 400, "bad_request");
    assertError(api.get("api/conflicts?limit=0"), 400, "bad_request");
    assertError(api.get("api/conflicts?limit=5000"), 400, "bad_request");
    assertError(api.get("api/conflicts?offset=-1"), 400, "bad_request");
    assertError(api.get("api/conflicts?offset=ten"), 400, "bad_request");
    assertError(api.get("api/conflicts?status=dismissed"), 400, "bad_request");
    assertThat(api.get("api/conflicts?status=open").statusCode()).isEqualTo(200);
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(json(response)).containsEntry("error", code).containsKey("message");
  }

  @Test
  void servesThePageWithItsCsrfTokenAndAStrictContentSecurityPolicy() {
    HttpResponse<String> page = api.get("");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<meta name=\"chora-csrf\" content=\"");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(api.get("app.js").statusCode()).isEqualTo(200);
    assertThat(api.get("style.css").headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
  }
}
