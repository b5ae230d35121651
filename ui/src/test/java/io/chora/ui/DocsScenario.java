package io.chora.ui;

import java.sql.SQLException;

/**
 * A day in the life of three replicas, for the screenshot in docs/conflict-page.md: a few offline
 * edits of the same notes, a tag renamed twice, the same e-mail address claimed on two devices, and
 * local writes the peers have not seen yet. Leaves four open conflicts on the laptop.
 */
final class DocsScenario {
  private DocsScenario() {}

  static void build(Replica laptop, Replica phone, Replica tablet)
      throws SQLException, InterruptedException {
    laptop.exec("INSERT INTO note(id, title, stars) VALUES (1, 'groceries', 3.0)");
    laptop.exec("INSERT INTO note(id, title, stars) VALUES (2, 'trip to Lisbon', 4.0)");
    laptop.exec("INSERT INTO tag(id, name) VALUES (1, 'home')");
    laptop.syncWith(phone);
    laptop.syncWith(tablet);
    Thread.sleep(300); // spreads the syncs on the timeline a little

    laptop.exec("UPDATE note SET title = 'groceries for the weekend' WHERE id = 1");
    laptop.exec("UPDATE note SET stars = 4.5 WHERE id = 2");
    laptop.exec("UPDATE tag SET name = 'Home & garden' WHERE id = 1");
    laptop.exec("INSERT INTO person(id, email, name) VALUES (10, 'ada@example.com', 'Ada L.')");
    phone.exec("UPDATE note SET title = 'GROCERIES: milk, eggs, coffee' WHERE id = 1");
    phone.exec(
        "INSERT INTO person(id, email, name) VALUES (20, 'ada@example.com', 'Ada Lovelace')");
    tablet.exec("UPDATE note SET stars = 5.0 WHERE id = 2");
    tablet.exec("UPDATE tag SET name = 'household' WHERE id = 1");

    // the phone sends first, so the laptop is the one that removes the phone's newer e-mail claim
    phone.syncWith(laptop);
    Thread.sleep(300);
    tablet.syncWith(laptop);
    Thread.sleep(300);

    laptop.exec("INSERT INTO note(id, title) VALUES (3, 'call the plumber')");
    laptop.exec("UPDATE note SET stars = 2.0 WHERE id = 3");
  }
}
