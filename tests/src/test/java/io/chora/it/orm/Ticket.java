package io.chora.it.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * An entity with a database-generated IDENTITY id: SQLite's rowid, read back with {@code select
 * last_insert_rowid()}. Through chora the id comes from the replica's own key block, so two
 * replicas never allocate the same one (docs/keys.md).
 */
@Entity
public class Ticket {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String title;

  private int priority;

  @Version private long version;

  protected Ticket() {}

  public Ticket(String title, int priority) {
    this.title = title;
    this.priority = priority;
  }

  public Long getId() {
    return id;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public int getPriority() {
    return priority;
  }

  public void setPriority(int priority) {
    this.priority = priority;
  }

  public long getVersion() {
    return version;
  }
}
