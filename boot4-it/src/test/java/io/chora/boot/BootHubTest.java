package io.chora.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Boot applications join a hub (on 127.0.0.1, in this JVM) with two more properties and no sync
 * code: what either repository saves shows up in the other's.
 */
class BootHubTest {
  private static final String TOKEN = "team-token-0123456789";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void twoApplicationsOnAHubConvergeWithoutSyncCode() throws Exception {
    try (HubServer hub = HubServer.start(HubConfig.of(dir.resolve("hub"), Map.of("team", TOKEN)));
        Replica laptop = joined(hub, "laptop");
        Replica phone = joined(hub, "phone")) {
      Ticket ticket = laptop.tickets().save(new Ticket("from the laptop", 1));
      phone.tickets().save(new Ticket("from the phone", 2));
      phone.notes().save(new Note("shared", "written on the phone"));

      await("both replicas hold all three rows")
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(phone.rows()).hasSize(3).isEqualTo(laptop.rows()));

      ticket.setTitle("edited on the laptop");
      laptop.tickets().save(ticket);
      await("the edit reached the phone")
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(phone.tickets().findById(ticket.getId()))
                      .get()
                      .extracting(Ticket::getTitle)
                      .isEqualTo("edited on the laptop"));
      assertThat(List.of(laptop.tickets().count(), phone.tickets().count(), phone.notes().count()))
          .containsExactly(2L, 2L, 1L);
      await("both hub clients caught up")
          .atMost(PATIENCE)
          .until(
              () ->
                  laptop.chora(c -> c.hubStatus().healthy())
                      && phone.chora(c -> c.hubStatus().healthy()));
    }
  }

  /**
   * The hub in the URL, the token as a connection property that Hikari hands the driver (so it can
   * come from the environment rather than sit in the URL); IMMEDIATE transactions because the hub
   * client is a second writer on the file (docs/hub.md).
   */
  private Replica joined(HubServer hub, String site) {
    return Replica.start(
        dir,
        site,
        "&transaction_mode=IMMEDIATE&chora.hub=ws://127.0.0.1:" + hub.port() + "/team",
        "--spring.datasource.hikari.data-source-properties[chora.hub.token]=" + TOKEN);
  }
}
