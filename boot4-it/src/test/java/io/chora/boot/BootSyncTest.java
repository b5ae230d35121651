package io.chora.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Boot applications, each on its own replica file, write offline and merge with {@code
 * ChoraConnection.syncWith} on connections from their pools: afterwards both repositories hold
 * every row once, IDENTITY keys included (each replica allocates from its own key blocks).
 */
class BootSyncTest {
  @TempDir Path dir;

  @Test
  void twoApplicationsSyncToEqualRepositories() throws Exception {
    try (Replica laptop = Replica.start(dir, "laptop");
        Replica phone = Replica.start(dir, "phone")) {
      List<Long> ids = new ArrayList<>();
      for (Replica replica : List.of(laptop, phone)) {
        for (int i = 0; i < 3; i++) {
          ids.add(replica.tickets().save(new Ticket(replica.site + " ticket " + i, i)).getId());
        }
        replica.notes().save(new Note(replica.site + " note", "offline"));
      }
      assertThat(new HashSet<>(ids)).as("IDENTITY keys handed out on two replicas").hasSize(6);

      SyncResult first = Replica.sync(laptop, phone);
      assertThat(first).isEqualTo(new SyncResult(4, 4)); // row changes each way

      assertThat(phone.rows()).isEqualTo(laptop.rows()).hasSize(8);
      assertThat(laptop.tickets().findAll())
          .extracting(Ticket::getId)
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(phone.notes().findAll())
          .extracting(Note::getTitle)
          .containsExactlyInAnyOrder("laptop note", "phone note");

      // the merged rows are ordinary entities: edited and deleted on either side
      Ticket fromLaptop = phone.tickets().findById(ids.get(0)).orElseThrow();
      fromLaptop.setTitle("edited on the phone");
      phone.tickets().save(fromLaptop);
      Note fromPhone =
          laptop.notes().findAll().stream()
              .filter(n -> n.getTitle().equals("phone note"))
              .findFirst()
              .orElseThrow();
      fromPhone.setPinned(true); // the column migration V2 added
      laptop.notes().save(fromPhone);
      laptop.tickets().deleteById(ids.get(5)); // one of the phone's

      Replica.sync(phone, laptop);
      assertThat(laptop.rows()).isEqualTo(phone.rows()).hasSize(7);
      assertThat(laptop.tickets().findById(ids.get(0)))
          .get()
          .extracting(Ticket::getTitle)
          .isEqualTo("edited on the phone");
      assertThat(phone.rows()).contains(fromPhone.getId() + " phone note / offline (pinned)");
      VectorClock clock = laptop.chora(c -> c.clock());
      assertThat(clock).isEqualTo(phone.chora(c -> c.clock()));
    }
  }
}
