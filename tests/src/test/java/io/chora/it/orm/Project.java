package io.chora.it.orm;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent with an id the application assigns (a UUID or a readable name), so replicas never
 * allocate the same key for different rows; its tasks go with it.
 */
@Entity
public class Project {
  @Id private String id;

  private String name;

  private String description;

  @Version private int version;

  @OneToMany(mappedBy = "project", cascade = CascadeType.ALL, orphanRemoval = true)
  @OrderBy("title")
  private List<Task> tasks = new ArrayList<>();

  protected Project() {}

  public Project(String id, String name) {
    this.id = id;
    this.name = name;
  }

  /** Adds a task to this project (both sides of the relation). */
  public Task addTask(String title) {
    Task task = new Task(this, title);
    tasks.add(task);
    return task;
  }

  public String getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public int getVersion() {
    return version;
  }

  public List<Task> getTasks() {
    return tasks;
  }
}
