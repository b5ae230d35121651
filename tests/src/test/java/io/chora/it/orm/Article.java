package io.chora.it.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** An entity with a counting column, {@code views} (declared in {@code chora.counters}). */
@Entity
public class Article {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String title;

  private int views;

  protected Article() {}

  public Article(String title) {
    this.title = title;
  }

  public Long getId() {
    return id;
  }

  public int getViews() {
    return views;
  }

  public void setViews(int views) {
    this.views = views;
  }
}
