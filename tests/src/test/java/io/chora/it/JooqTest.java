package io.chora.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jOOQ's DSL on a chora connection: plain SQL builders, no code generation. */
class JooqTest {
  private static final Table<Record> NOTE = table(name("note"));
  private static final Field<String> ID = field(name("id"), String.class);
  private static final Field<String> TITLE = field(name("title"), String.class);
  private static final Field<Integer> STARS = field(name("stars"), Integer.class);

  @TempDir Path dir;

  private static void createSchema(DSLContext db) {
    db.createTable(NOTE)
        .column(ID, SQLDataType.VARCHAR(36).notNull())
        .column(TITLE, SQLDataType.VARCHAR(200))
        .column(STARS, SQLDataType.INTEGER.notNull().defaultValue(0))
        .primaryKey(ID)
        .execute();
  }

  @Test
  void dslWritesAreCapturedAndSync() throws SQLException {
    try (Connection laptopConn = Db.chora(dir, "laptop.db", "chora.site=laptop");
        Connection phoneConn = Db.chora(dir, "phone.db", "chora.site=phone")) {
      DSLContext laptop = DSL.using(laptopConn, SQLDialect.SQLITE);
      DSLContext phone = DSL.using(phoneConn, SQLDialect.SQLITE);
      createSchema(laptop);
      createSchema(phone);

      assertThat(
              laptop
                  .insertInto(NOTE, ID, TITLE, STARS)
                  .values("n1", "Groceries", 1)
                  .values("n2", "Call", 2)
                  .execute())
          .isEqualTo(2);
      assertThat(laptop.update(NOTE).set(STARS, 5).where(ID.eq("n1")).execute()).isEqualTo(1);
      assertThat(laptop.deleteFrom(NOTE).where(ID.eq("n2")).execute()).isEqualTo(1);
      laptop.transaction(
          tx -> {
            tx.dsl().insertInto(NOTE, ID, TITLE).values("n3", "Read").execute();
            tx.dsl().update(NOTE).set(TITLE, "Read a book").where(ID.eq("n3")).execute();
          });
      phone.insertInto(NOTE, ID, TITLE).values("p1", "Walk").execute();

      assertThat(
              laptop
                  .select(ID, TITLE, STARS)
                  .from(NOTE)
                  .orderBy(ID)
                  .fetch(r -> r.get(ID) + "|" + r.get(TITLE) + "|" + r.get(STARS)))
          .containsExactly("n1|Groceries|5", "n3|Read a book|0");
      // one transaction per statement, one for jOOQ's transaction(); the pair inserted and
      // deleted before the peer saw it is sent as the rows' current state
      assertThat(Db.seq(laptopConn)).isEqualTo(4);
      assertThat(Db.transactions(laptopConn))
          .contains(List.of("insert note['n3'] {id='n3', title='Read a book', stars=0}"));

      ChoraConnection a = laptop.connectionResult(c -> c.unwrap(ChoraConnection.class));
      ChoraConnection b = phone.connectionResult(c -> c.unwrap(ChoraConnection.class));
      a.syncWith(b);

      String query = "SELECT id, title, stars FROM note ORDER BY id";
      assertThat(Db.rows(laptopConn, query))
          .isEqualTo(Db.rows(phoneConn, query))
          .containsExactly("n1|Groceries|5", "n3|Read a book|0", "p1|Walk|0");
      assertThat(phone.fetchCount(NOTE, STARS.gt(0))).isEqualTo(1);
      assertThat(a.clock()).isEqualTo(b.clock());
    }
  }
}
