package io.chora.boot;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.util.UUID;

/**
 * An entity whose key Hibernate makes without the database (a UUID, stored by the SQLite dialect as
 * a 16-byte blob); {@code pinned} is the column migration V2 adds.
 */
@Entity
public class Note {
  @Id
  @GeneratedValue(strategy = GenerationType.UUID)
  private UUID id;

  private String title;
  private String body;
  private boolean pinned;

  protected Note() {}

  public Note(String title, String body) {
    this.title = title;
    this.body = body;
  }

  public UUID getId() {
    return id;
  }

  public String getTitle() {
    return title;
  }

  public void setBody(String body) {
    this.body = body;
  }

  public void setPinned(boolean pinned) {
    this.pinned = pinned;
  }

  @Override
  public String toString() {
    return id + " " + title + " / " + body + (pinned ? " (pinned)" : "");
  }
}
