package io.chora.boot;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** An entity whose key SQLite generates: chora hands it out from this replica's key block. */
@Entity
public class Ticket {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String title;
  private int priority;

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

  @Override
  public String toString() {
    return id + " " + title + " p" + priority;
  }
}
