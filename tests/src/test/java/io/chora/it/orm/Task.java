package io.chora.it.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;

/**
 * A child row whose id Hibernate generates in Java as a random UUID: unique across replicas without
 * asking the database, so inserts batch.
 */
@Entity
public class Task {
  @Id
  @GeneratedValue(strategy = GenerationType.UUID)
  private String id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "project_id")
  private Project project;

  private String title;

  private boolean done;

  protected Task() {}

  Task(Project project, String title) {
    this.project = project;
    this.title = title;
  }

  public String getId() {
    return id;
  }

  public Project getProject() {
    return project;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public boolean isDone() {
    return done;
  }

  public void setDone(boolean done) {
    this.done = done;
  }
}
