package io.chora.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.it.orm.Comment;
import io.chora.it.orm.Project;
import io.chora.it.orm.Task;
import io.chora.it.orm.Ticket;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.Conflict;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleObjectStateException;
import org.hibernate.jdbc.ReturningWork;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.stat.Statistics;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hibernate ORM 7 on {@code jdbc:chora:}, bootstrapped the way applications without a container do
 * it: entities written through sessions are captured one dot per committed transaction, and two
 * session factories on two replicas sync through {@code Session.doWork}.
 */
class HibernateTest {
  /** Hibernate logs through java.util.logging here: its start-up banner is left out. */
  private static final Logger HIBERNATE_LOG = Logger.getLogger("org.hibernate");

  static {
    HIBERNATE_LOG.setLevel(Level.WARNING);
  }

  @TempDir Path dir;

  private final List<SessionFactory> factories = new ArrayList<>();

  @AfterEach
  void closeFactories() {
    factories.forEach(SessionFactory::close);
  }

  private SessionFactory replica(String file, String site) {
    return open(configuration(file, site));
  }

  private SessionFactory open(HibernatePersistenceConfiguration configuration) {
    SessionFactory factory = configuration.createEntityManagerFactory();
    factories.add(factory);
    return factory;
  }

  /** One replica, configured as docs/integrations.md shows it. */
  private HibernatePersistenceConfiguration configuration(String file, String site) {
    return new HibernatePersistenceConfiguration("app")
        .managedClasses(Project.class, Task.class, Ticket.class, Comment.class)
        .jdbcUrl(
            "jdbc:chora:"
                + dir.resolve(file)
                + "?chora.site="
                + site
                + "&journal_mode=WAL&busy_timeout=10000")
        .property("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
        // Hibernate 7.4's default column order can leave an IDENTITY key without its type on
        // SQLite (see identityKeyLosesItsTypeUnderHibernatesDefaultColumnOrder)
        .property("hibernate.column_ordering_strategy", "legacy")
        .property("hibernate.jdbc.batch_size", 20)
        .property("hibernate.order_inserts", true)
        .property("hibernate.order_updates", true)
        .property("hibernate.hikari.maximumPoolSize", 2) // hibernate-hikaricp: a HikariCP pool
        .schemaToolingAction(Action.CREATE)
        .collectStatistics(true);
  }

  /** Runs JDBC work on a connection of the factory's pool, inside a Hibernate transaction. */
  private static <T> T work(SessionFactory factory, ReturningWork<T> work) {
    return factory.fromTransaction(session -> session.doReturningWork(work));
  }

  /** The captured changes of each committed transaction (see {@link Db#transactions}). */
  private static List<List<String>> transactions(SessionFactory factory) {
    return work(factory, Db::transactions);
  }

  private static long seq(SessionFactory factory) {
    return work(factory, Db::seq);
  }

  private static VectorClock clock(SessionFactory factory) {
    return work(factory, c -> c.unwrap(ChoraConnection.class).clock());
  }

  private static List<String> rows(SessionFactory factory, String sql) {
    return work(factory, c -> Db.rows(c, sql));
  }

  /** Both replicas send each other what the other lacks, through their sessions' connections. */
  private static SyncResult sync(SessionFactory a, SessionFactory b) {
    return a.fromTransaction(
        sa ->
            b.fromTransaction(
                sb ->
                    sa.doReturningWork(
                        ca ->
                            sb.doReturningWork(
                                cb ->
                                    ca.unwrap(ChoraConnection.class)
                                        .syncWith(cb.unwrap(ChoraConnection.class))))));
  }

  /** Every project with its tasks, read back through JPQL, as comparable text. */
  private static List<String> snapshot(SessionFactory factory) {
    return factory.fromTransaction(
        session ->
            session
                .createSelectionQuery(
                    "select distinct p from Project p left join fetch p.tasks order by p.id",
                    Project.class)
                .getResultList()
                .stream()
                .map(
                    p ->
                        p.getId()
                            + " "
                            + p.getName()
                            + " / "
                            + p.getDescription()
                            + " v"
                            + p.getVersion()
                            + " "
                            + p.getTasks().stream()
                                .map(t -> t.getTitle() + (t.isDone() ? " (done)" : ""))
                                .toList())
                .toList());
  }

  private static String insert(String table, Object key, String columns) {
    return "insert " + table + "[" + format(key) + "] {" + columns + "}";
  }

  private static String format(Object key) {
    return key instanceof String s ? "'" + s + "'" : String.valueOf(key);
  }

  // ---- identity, assigned and generated ids; capture per transaction ----------------------

  @Test
  void identityAssignedAndGeneratedIdsAreCapturedOneDotPerCommit() {
    SessionFactory app = replica("app.db", "laptop");

    List<Long> tickets =
        app.fromTransaction(
            session -> {
              Ticket first = new Ticket("crash on start", 1);
              Ticket second = new Ticket("typo", 3);
              session.persist(first); // IDENTITY: inserted now, id from last_insert_rowid()
              session.persist(second);
              return List.of(first.getId(), second.getId());
            });
    long t1 = tickets.get(0);
    long t2 = tickets.get(1);
    // from this replica's key block, whose top key goes first; then it counts up from its bottom
    assertThat(t1 % 1024).isEqualTo(1023);
    assertThat(t2).isEqualTo(t1 - 1023);

    Project project = new Project("chora", "Chora"); // assigned id
    Task spec = project.addTask("write spec"); // id generated in Java (UUID)
    Task review = project.addTask("review");
    app.inTransaction(session -> session.persist(project));
    assertThat(spec.getId()).hasSize(36);

    assertThat(seq(app)).isEqualTo(2);
    assertThat(transactions(app))
        .containsExactly(
            List.of(
                insert(
                    "Ticket", t1, "id=" + t1 + ", priority=1, title='crash on start', version=0"),
                insert("Ticket", t2, "id=" + t2 + ", priority=3, title='typo', version=0")),
            List.of(
                insert("Project", "chora", "id='chora', description=null, name='Chora', version=0"),
                insert(
                    "Task",
                    spec.getId(),
                    "id='" + spec.getId() + "', done=0, title='write spec', project_id='chora'"),
                insert(
                    "Task",
                    review.getId(),
                    "id='" + review.getId() + "', done=0, title='review', project_id='chora'")));

    // what Hibernate inserted is what it reads back by id
    app.inTransaction(
        session -> {
          assertThat(session.find(Ticket.class, t2).getTitle()).isEqualTo("typo");
          assertThat(session.find(Project.class, "chora").getTasks())
              .extracting(Task::getTitle)
              .containsExactly("review", "write spec");
        });

    // an update of dirty entities: one transaction, only the cells that changed
    app.inTransaction(
        session -> {
          session.find(Ticket.class, t1).setPriority(2);
          session.find(Task.class, review.getId()).setDone(true);
        });
    assertThat(seq(app)).isEqualTo(3);
    assertThat(transactions(app).get(2))
        .containsExactlyInAnyOrder(
            "update Ticket[" + t1 + "] {priority=2, version=1}",
            "update Task['" + review.getId() + "'] {done=1}");
  }

  @Test
  void aRolledBackHibernateTransactionLeavesNothing() {
    SessionFactory app = replica("app.db", "laptop");
    Ticket kept = new Ticket("kept", 1);
    app.inTransaction(
        session -> {
          session.persist(kept);
          session.persist(new Project("kept", "Kept"));
        });
    List<List<String>> before = transactions(app);

    Session session = app.openSession();
    try {
      session.beginTransaction();
      Ticket ticket = new Ticket("rolled back", 1);
      session.persist(ticket); // IDENTITY: the INSERT has already run
      // the block's next key: its top went to the first ticket, the rest count up from its bottom
      assertThat(ticket.getId()).isEqualTo(kept.getId() - 1023);
      Project project = new Project("gone", "Gone");
      project.addTask("never");
      session.persist(project);
      session.find(Ticket.class, kept.getId()).setTitle("changed, then rolled back");
      session.remove(session.find(Project.class, "kept"));
      session.flush(); // every write has reached SQLite
      long tasks = session.doReturningWork(c -> Db.scalar(c, "SELECT count(*) FROM Task"));
      assertThat(tasks).isEqualTo(1);
      session.getTransaction().rollback();
    } finally {
      session.close();
    }

    assertThat(seq(app)).isEqualTo(1);
    assertThat(transactions(app)).isEqualTo(before);
    assertThat(
            rows(
                app,
                "SELECT (SELECT group_concat(title) FROM Ticket),"
                    + " (SELECT group_concat(id) FROM Project),"
                    + " (SELECT count(*) FROM Task)"))
        .containsExactly("kept|kept|0");
  }

  // ---- relations, batches, optimistic locking ---------------------------------------------

  @Test
  void orphanRemovalAndCascadeDeleteAreCapturedAsTheirTransactions() {
    SessionFactory app = replica("app.db", "laptop");
    Project project = new Project("p", "P");
    Task a = project.addTask("a");
    Task b = project.addTask("b");
    Task c = project.addTask("c");
    app.inTransaction(session -> session.persist(project));

    app.inTransaction(
        session -> {
          Project p = session.find(Project.class, "p");
          p.getTasks().removeIf(t -> t.getTitle().equals("b")); // orphanRemoval
        });
    app.inTransaction(session -> session.remove(session.find(Project.class, "p"))); // cascade

    List<List<String>> transactions = transactions(app);
    assertThat(transactions).hasSize(3);
    // the insert transaction still tells of the row lives it began (each ended by a delete later)
    assertThat(transactions.get(1)).containsExactly("delete Task['" + b.getId() + "']");
    assertThat(transactions.get(2))
        .containsExactlyInAnyOrder(
            "delete Task['" + a.getId() + "']",
            "delete Task['" + c.getId() + "']",
            "delete Project['p']");
    assertThat(rows(app, "SELECT count(*) FROM Task")).containsExactly("0");
  }

  @Test
  void batchedInsertsAreOneTransactionOfChanges() {
    SessionFactory unbatched =
        open(configuration("unbatched.db", "other").property("hibernate.jdbc.batch_size", 1));
    assertThat(insertBigProject(unbatched)).isEqualTo(101); // a statement per row
    assertThat(transactions(unbatched).get(0)).hasSize(101);

    SessionFactory app = replica("app.db", "laptop");
    // batch_size 20: one prepared statement per table, its rows sent in batches of 20
    assertThat(insertBigProject(app)).isEqualTo(2);

    assertThat(seq(app)).isEqualTo(1);
    List<String> changes = transactions(app).get(0);
    assertThat(changes).hasSize(101);
    assertThat(changes.stream().filter(ch -> ch.startsWith("insert Task[")).count()).isEqualTo(100);

    // a batched update of all of them is one more transaction; Hibernate checks every row count
    // of the batch, which capture's own log rows must not inflate
    Statistics stats = app.getStatistics();
    stats.clear();
    app.inTransaction(
        session ->
            session
                .createSelectionQuery("from Task", Task.class)
                .getResultList()
                .forEach(t -> t.setDone(true)));
    assertThat(stats.getEntityUpdateCount()).isEqualTo(100);
    assertThat(seq(app)).isEqualTo(2);
    assertThat(transactions(app).get(1)).hasSize(100).allMatch(ch -> ch.endsWith("{done=1}"));
  }

  /** Persists a project with 100 tasks; returns how many statements Hibernate prepared. */
  private static long insertBigProject(SessionFactory factory) {
    Project project = new Project("big", "Big");
    for (int i = 0; i < 100; i++) {
      project.addTask("task " + i);
    }
    Statistics stats = factory.getStatistics();
    stats.clear();
    factory.inTransaction(session -> session.persist(project));
    assertThat(stats.getEntityInsertCount()).isEqualTo(101);
    return stats.getPrepareStatementCount();
  }

  @Test
  void aStaleVersionIsRefusedAndLeavesNoChange() {
    SessionFactory app = replica("app.db", "laptop");
    Ticket ticket0 = new Ticket("login fails", 2);
    app.inTransaction(session -> session.persist(ticket0));
    long id = ticket0.getId();

    EntityManager mine = app.createEntityManager();
    EntityManager theirs = app.createEntityManager(); // a long conversation: it holds the entity
    try {
      theirs.getTransaction().begin();
      Ticket read = theirs.find(Ticket.class, id); // version 0
      theirs.getTransaction().commit();

      mine.getTransaction().begin();
      mine.find(Ticket.class, id).setTitle("login fails on Android");
      mine.getTransaction().commit(); // version 1

      theirs.getTransaction().begin();
      read.setPriority(1); // UPDATE ... WHERE id = 1 AND version = 0 matches no row
      assertThatThrownBy(theirs::flush)
          .isInstanceOf(OptimisticLockException.class)
          .hasCauseInstanceOf(StaleObjectStateException.class);
      theirs.getTransaction().rollback();
    } finally {
      mine.close();
      theirs.close();
    }

    assertThat(seq(app)).isEqualTo(2);
    assertThat(transactions(app).get(1))
        .containsExactly("update Ticket[" + id + "] {title='login fails on Android', version=1}");
    app.inTransaction(
        session -> {
          Ticket ticket = session.find(Ticket.class, id);
          assertThat(ticket.getPriority()).isEqualTo(2);
          assertThat(ticket.getVersion()).isEqualTo(1);
        });
  }

  /**
   * Two transactions that overlap, both reading then writing: SQLite (WAL) refuses the later
   * writer's stale snapshot with SQLITE_BUSY_SNAPSHOT, before {@code @Version} is compared;
   * Hibernate reports it as a PessimisticLockException. The same with plain sqlite-jdbc.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:chora:"})
  void overlappingWritersAreRefusedBySqliteItself(String prefix) {
    SessionFactory app =
        open(
            configuration("app.db", "laptop")
                .jdbcUrl(prefix + dir.resolve("app.db") + "?journal_mode=WAL&busy_timeout=10000"));
    Ticket ticket0 = new Ticket("login fails", 2);
    app.inTransaction(session -> session.persist(ticket0));
    long id = ticket0.getId();

    EntityManager mine = app.createEntityManager();
    EntityManager theirs = app.createEntityManager();
    try {
      mine.getTransaction().begin();
      theirs.getTransaction().begin();
      Ticket read = theirs.find(Ticket.class, id); // their read transaction starts here
      mine.find(Ticket.class, id).setTitle("login fails on Android");
      mine.getTransaction().commit();

      read.setPriority(1);
      assertThatThrownBy(theirs::flush)
          .isInstanceOf(PessimisticLockException.class)
          .hasRootCauseMessage(
              "[SQLITE_BUSY_SNAPSHOT] Another database connection has already written to the"
                  + " database (database is locked)");
      theirs.getTransaction().rollback();
    } finally {
      mine.close();
      theirs.close();
    }
    assertThat(rows(app, "SELECT title, priority, version FROM Ticket"))
        .containsExactly("login fails on Android|2|1");
    if (prefix.equals("jdbc:chora:")) {
      assertThat(seq(app)).isEqualTo(2);
    }
  }

  // ---- the merge API from a session -------------------------------------------------------

  @Test
  void aSessionReachesTheMergeApi() throws Exception {
    SessionFactory app = replica("app.db", "laptop");
    app.inTransaction(session -> session.persist(new Project("p", "P")));

    try (Session session = app.openSession()) {
      // Session.doWork / doReturningWork hand out the pool's connection
      String pooled = session.doReturningWork(c -> c.getClass().getSimpleName());
      assertThat(pooled).isEqualTo("HikariProxyConnection");
      ChoraConnection chora = session.doReturningWork(c -> c.unwrap(ChoraConnection.class));
      assertThat(chora.siteId()).isEqualTo("laptop");
      assertThat(chora.clock()).isEqualTo(VectorClock.of(java.util.Map.of("laptop", 1L)));

      // from a JPA EntityManager: unwrap the Session first
      EntityManager em = app.createEntityManager();
      try {
        VectorClock clock =
            em.unwrap(Session.class).doReturningWork(c -> c.unwrap(ChoraConnection.class).clock());
        assertThat(clock.get("laptop")).isEqualTo(1);
      } finally {
        em.close();
      }

      // inside the session's own transaction: the change set sees what it committed
      session.beginTransaction();
      session.persist(new Project("q", "Q"));
      session.getTransaction().commit();
      int sent =
          session.doReturningWork(
              c ->
                  c.unwrap(ChoraConnection.class)
                      .changesSince(new VectorClock(), java.io.OutputStream.nullOutputStream()));
      assertThat(sent).isEqualTo(2);
    }
  }

  // ---- two replicas -----------------------------------------------------------------------

  @Test
  void twoReplicasConvergeAfterConcurrentEditsAndADelete() throws Exception {
    SessionFactory laptop = replica("laptop.db", "laptop");
    SessionFactory phone = replica("phone.db", "phone");

    String chora = UUID.randomUUID().toString(); // keys both replicas can allocate alone
    String garden = UUID.randomUUID().toString();
    Project p = new Project(chora, "Chora");
    p.addTask("write spec");
    p.addTask("review");
    Project g = new Project(garden, "Garden");
    g.addTask("water");
    laptop.inTransaction(
        session -> {
          session.persist(p);
          session.persist(g);
        });
    phone.inTransaction(
        session -> {
          Project h = new Project(UUID.randomUUID().toString(), "Holiday");
          h.addTask("book train");
          session.persist(h);
        });

    SyncResult first = sync(laptop, phone);
    assertThat(first).isEqualTo(new SyncResult(5, 2)); // row changes: 2 + 3 rows out, 1 + 1 in
    assertThat(snapshot(phone)).isEqualTo(snapshot(laptop)).hasSize(3);

    // concurrent edits: different columns of one project, one task title on both sides, and on
    // the phone the delete of a project whose task the laptop edits meanwhile
    laptop.inTransaction(
        session -> {
          Project project = session.find(Project.class, chora);
          project.setName("Chora 2");
          project.getTasks().get(1).setTitle("write the spec (laptop)");
          session.find(Project.class, garden).getTasks().get(0).setTitle("water twice");
        });
    Thread.sleep(5); // the phone writes later: its timestamps are higher
    phone.inTransaction(
        session -> {
          Project project = session.find(Project.class, chora);
          project.setDescription("sync without conflicts");
          project.getTasks().get(1).setTitle("write the spec (phone)");
          project.getTasks().get(0).setDone(true);
          session.remove(session.find(Project.class, garden)); // and its task, by cascade
        });

    sync(phone, laptop);
    List<String> merged = snapshot(laptop);
    assertThat(snapshot(phone)).isEqualTo(merged);
    assertThat(merged)
        .hasSize(2)
        .contains(
            chora + " Chora 2 / sync without conflicts v1 [review (done), write the spec (phone)]");
    assertThat(seq(laptop)).isEqualTo(2);
    assertThat(clock(laptop)).isEqualTo(clock(phone));

    // the title both wrote: the phone's later write won, the laptop's is kept as a conflict
    List<Conflict> conflicts = work(laptop, c -> c.unwrap(ChoraConnection.class).conflicts());
    assertThat(conflicts)
        .singleElement()
        .satisfies(
            conflict -> {
              assertThat(conflict.table()).isEqualTo("Task");
              assertThat(conflict.column()).isEqualTo("title");
              assertThat(conflict.kept()).isEqualTo("write the spec (phone)");
              assertThat(conflict.lost()).isEqualTo("write the spec (laptop)");
            });

    // the merged rows are ordinary entities again: version 1 on both sides, editable anywhere
    laptop.inTransaction(session -> session.find(Project.class, chora).setName("Chora 3"));
    sync(laptop, phone);
    assertThat(snapshot(phone)).isEqualTo(snapshot(laptop));
    assertThat(snapshot(phone).stream().collect(Collectors.joining("\n")))
        .contains(chora + " Chora 3 / sync without conflicts v2");
  }

  /** The tables as Hibernate maps them, with the foreign key Hibernate's SQLite DDL leaves out. */
  private static final String[] SCHEMA_WITH_FOREIGN_KEY = {
    "CREATE TABLE Project (id varchar(255) NOT NULL PRIMARY KEY, description varchar(255),"
        + " name varchar(255), version integer NOT NULL)",
    "CREATE TABLE Task (id varchar(255) NOT NULL PRIMARY KEY, done boolean NOT NULL,"
        + " title varchar(255),"
        + " project_id varchar(255) NOT NULL REFERENCES Project(id) ON DELETE CASCADE)",
    "CREATE TABLE Ticket (id INTEGER PRIMARY KEY, priority integer NOT NULL,"
        + " title varchar(255), version bigint NOT NULL)"
  };

  /**
   * A task added on one replica while the other deletes its project: with Hibernate's DDL (no
   * foreign keys) the task outlives its project; with the key declared in the schema and {@code
   * foreign_keys=true}, chora's merge removes it on both replicas.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aChildAddedWhileItsParentIsDeletedElsewhere(boolean foreignKey) {
    SessionFactory laptop = foreignKey ? ownSchema("laptop") : replica("laptop.db", "laptop");
    SessionFactory phone = foreignKey ? ownSchema("phone") : replica("phone.db", "phone");
    Project project = new Project(uuid(), "Garden");
    project.addTask("water");
    laptop.inTransaction(session -> session.persist(project));
    sync(laptop, phone);

    laptop.inTransaction(session -> session.find(Project.class, project.getId()).addTask("weed"));
    phone.inTransaction(session -> session.remove(session.find(Project.class, project.getId())));
    sync(laptop, phone);

    for (SessionFactory replica : List.of(laptop, phone)) {
      assertThat(rows(replica, "SELECT count(*) FROM Project")).containsExactly("0");
      assertThat(rows(replica, "SELECT title FROM Task"))
          .isEqualTo(foreignKey ? List.of() : List.of("weed"));
    }
    assertThat(clock(laptop)).isEqualTo(clock(phone));
  }

  private SessionFactory ownSchema(String site) {
    Path file = dir.resolve(site + "-fk.db");
    SessionFactory factory =
        open(
            configuration(file.getFileName().toString(), site)
                .jdbcUrl(
                    "jdbc:chora:"
                        + file
                        + "?chora.site="
                        + site
                        + "&foreign_keys=true&journal_mode=WAL&busy_timeout=10000")
                .schemaToolingAction(Action.NONE));
    factory.inTransaction(session -> session.doWork(c -> Db.exec(c, SCHEMA_WITH_FOREIGN_KEY)));
    return factory;
  }

  /**
   * IDENTITY keys come from each replica's own key block (docs/keys.md): two replicas that insert
   * offline never hand out the same id, so both tickets survive the sync under the ids Hibernate
   * was given. Keys made without the database (UUIDs, as Project and Task have) do not collide
   * either.
   */
  @Test
  void identityKeysFromTwoReplicasNeverCollideNorDoUuidKeys() {
    SessionFactory laptop = replica("laptop.db", "laptop");
    SessionFactory phone = replica("phone.db", "phone");
    laptop.inTransaction(session -> session.persist(new Ticket("laptop's ticket", 1)));
    phone.inTransaction(session -> session.persist(new Ticket("phone's ticket", 2)));
    laptop.inTransaction(session -> session.persist(new Project(uuid(), "laptop's project")));
    phone.inTransaction(session -> session.persist(new Project(uuid(), "phone's project")));

    sync(laptop, phone);

    for (SessionFactory replica : List.of(laptop, phone)) {
      replica.inTransaction(
          session -> {
            List<Ticket> tickets =
                session.createSelectionQuery("from Ticket", Ticket.class).getResultList();
            assertThat(tickets)
                .extracting(Ticket::getTitle)
                .containsExactlyInAnyOrder("laptop's ticket", "phone's ticket");
            assertThat(
                    session
                        .createSelectionQuery(
                            "select name from Project order by name", String.class)
                        .getResultList())
                .containsExactly("laptop's project", "phone's project");
          });
    }
    String ticket = "SELECT id, title, priority FROM Ticket";
    assertThat(rows(laptop, ticket + " ORDER BY id"))
        .isEqualTo(rows(phone, ticket + " ORDER BY id"))
        .hasSize(2);
  }

  /**
   * Two replicas persist tickets with comments offline (Long and Integer IDENTITY ids, a child
   * referencing its parent by the parent's generated id): after the sync every entity exists once
   * on both, under the id Hibernate was given, and every comment still belongs to its ticket.
   */
  @Test
  void identityParentsAndChildrenFromTwoReplicasKeepTheirIdsAndReferences() {
    SessionFactory laptop = replica("laptop.db", "laptop");
    SessionFactory phone = replica("phone.db", "phone");
    Map<Integer, String> given = new TreeMap<>(); // comment id -> "ticket title/comment text"
    for (SessionFactory replica : List.of(laptop, phone)) {
      String site = replica == laptop ? "laptop" : "phone";
      for (int tx = 0; tx < 2; tx++) {
        List<Comment> comments = new ArrayList<>();
        int round = tx;
        replica.inTransaction(
            session -> {
              for (int t = 0; t < 3; t++) {
                Ticket ticket = new Ticket(site + " ticket " + round + "." + t, t);
                session.persist(ticket);
                for (int k = 0; k < 2; k++) {
                  Comment comment = new Comment(ticket, "comment " + k);
                  session.persist(comment);
                  comments.add(comment);
                }
              }
            });
        for (Comment c : comments) {
          assertThat(given.put(c.getId(), c.getTicket().getTitle() + "/" + c.getText()))
              .as("comment id " + c.getId() + " handed out twice")
              .isNull();
          assertThat(c.getId()).isGreaterThanOrEqualTo(1024);
        }
      }
    }

    sync(laptop, phone);

    for (SessionFactory replica : List.of(laptop, phone)) {
      replica.inTransaction(
          session -> {
            Map<Integer, String> stored = new TreeMap<>();
            for (Comment c :
                session.createSelectionQuery("from Comment", Comment.class).getResultList()) {
              stored.put(c.getId(), c.getTicket().getTitle() + "/" + c.getText());
            }
            assertThat(stored).isEqualTo(given);
            assertThat(
                    session
                        .createSelectionQuery("select count(*) from Ticket", Long.class)
                        .getSingleResult())
                .isEqualTo(12);
          });
    }
    String comments = "SELECT id, text, ticket_id FROM Comment ORDER BY id";
    assertThat(rows(laptop, comments)).isEqualTo(rows(phone, comments)).hasSize(24);
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  /**
   * Hibernate 7.4's SQLite DDL, with plain sqlite-jdbc: under the default column order a column
   * typed {@code integer} comes before the IDENTITY key, and Hibernate, which appends the dialect's
   * identity string ({@code integer}) only if the CREATE TABLE text so far lacks it, leaves the key
   * untyped. The key is then no rowid alias: inserts store NULL ids while Hibernate takes the rowid
   * as the id. {@code hibernate.column_ordering_strategy=legacy} puts the key first.
   */
  @Test
  void identityKeyLosesItsTypeUnderHibernatesDefaultColumnOrder() {
    try (SessionFactory plain =
        new HibernatePersistenceConfiguration("plain")
            .managedClasses(Project.class, Task.class, Ticket.class, Comment.class)
            .jdbcUrl("jdbc:sqlite:" + dir.resolve("plain.db"))
            .property("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
            .schemaToolingAction(Action.CREATE)
            .createEntityManagerFactory()) {
      plain.inTransaction(session -> session.persist(new Ticket("lost", 1)));
      plain.inTransaction(
          session -> {
            List<String> ddl =
                session.doReturningWork(
                    c -> Db.rows(c, "SELECT sql FROM sqlite_schema WHERE name = 'Ticket'"));
            assertThat(ddl).singleElement().asString().contains("priority integer not null, id, ");
            List<String> rows =
                session.doReturningWork(c -> Db.rows(c, "SELECT rowid, id FROM Ticket"));
            assertThat(rows).containsExactly("1|null");
            assertThat(session.find(Ticket.class, 1L)).isNull();
          });
    }
  }

  /**
   * The same mapping under legacy column order, on chora: the key is SQLite's rowid, read back
   * right after capture triggers and other tables' inserts ran, by Hibernate's {@code select
   * last_insert_rowid()} or by sqlite-jdbc's {@code getGeneratedKeys()}.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void identityKeyIsTheRowidUnderLegacyColumnOrder(boolean getGeneratedKeys) {
    List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
    SessionFactory app =
        open(
            configuration("app.db", "laptop")
                .property("hibernate.jdbc.use_get_generated_keys", getGeneratedKeys)
                .statementInspector(
                    sql -> {
                      statements.add(sql);
                      return sql;
                    }));
    assertThat(rows(app, "SELECT sql FROM sqlite_schema WHERE name = 'Ticket'"))
        .singleElement()
        .asString()
        .startsWith("CREATE TABLE Ticket (id integer, ");
    List<Long> ids = new ArrayList<>();
    app.inTransaction(
        session -> {
          for (int i = 0; i < 3; i++) {
            Project project = new Project("p" + i, "P" + i); // other rows logged in between
            project.addTask("t");
            session.persist(project);
            session.flush();
            Ticket ticket = new Ticket("t" + i, i);
            session.persist(ticket);
            ids.add(ticket.getId());
          }
        });
    long first = ids.get(0);
    assertThat(ids).containsExactly(first, first - 1023, first - 1022); // top first, then up
    assertThat(statements.stream().filter(sql -> sql.equals("select last_insert_rowid()")))
        .hasSize(getGeneratedKeys ? 0 : 3);
    assertThat(rows(app, "SELECT " + first + " - rowid, " + first + " - id, title FROM Ticket"))
        .containsExactlyInAnyOrder("0|0|t0", "1023|1023|t1", "1022|1022|t2");
  }
}
