package io.chora.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.it.orm.Article;
import io.chora.jdbc.ChoraConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A counting column under Hibernate: a JPQL bulk increment ({@code set a.views = a.views + 1}) on
 * two replicas adds up, as docs/counters.md tells JPA users to write one; an entity update is an
 * absolute write, which resets the count.
 */
class HibernateCountersTest {
  @TempDir Path dir;

  private final List<SessionFactory> factories = new ArrayList<>();

  @AfterEach
  void closeFactories() {
    factories.forEach(SessionFactory::close);
  }

  private SessionFactory replica(String site) {
    SessionFactory factory =
        new HibernatePersistenceConfiguration("counters")
            .managedClasses(Article.class)
            .jdbcUrl(
                "jdbc:chora:"
                    + dir.resolve(site + ".db")
                    + "?chora.site="
                    + site
                    + "&chora.counters=article.views&journal_mode=WAL&busy_timeout=10000")
            .property("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
            .property("hibernate.column_ordering_strategy", "legacy")
            .schemaToolingAction(Action.CREATE)
            .createEntityManagerFactory();
    factories.add(factory);
    return factory;
  }

  private static void view(SessionFactory factory, long id) {
    factory.inTransaction(
        s ->
            s.createMutationQuery("update Article a set a.views = a.views + 1 where a.id = :id")
                .setParameter("id", id)
                .executeUpdate());
  }

  private static int views(SessionFactory factory, long id) {
    return factory.fromTransaction(s -> s.find(Article.class, id).getViews());
  }

  private static void sync(SessionFactory a, SessionFactory b) {
    a.inTransaction(
        sa ->
            b.inTransaction(
                sb ->
                    sa.doWork(
                        ca ->
                            sb.doWork(
                                cb ->
                                    ca.unwrap(ChoraConnection.class)
                                        .syncWith(cb.unwrap(ChoraConnection.class))))));
  }

  @Test
  void bulkIncrementsOnTwoReplicasAddUpAndAnEntityUpdateResets() {
    SessionFactory a = replica("a");
    SessionFactory b = replica("b");
    long id =
        a.fromTransaction(
            s -> {
              Article article = new Article("counters");
              s.persist(article);
              return article.getId();
            });
    sync(a, b);

    view(a, id);
    view(a, id);
    view(b, id);
    sync(a, b);

    assertThat(views(a, id)).isEqualTo(3);
    assertThat(views(b, id)).isEqualTo(3);

    a.inTransaction(s -> s.find(Article.class, id).setViews(100)); // an absolute write
    view(b, id); // concurrent with it: still counts
    sync(a, b);
    assertThat(views(a, id)).isEqualTo(101);
    assertThat(views(b, id)).isEqualTo(101);
  }
}
