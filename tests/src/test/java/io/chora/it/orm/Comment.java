package io.chora.it.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;

/**
 * A comment on a {@link Ticket}: an IDENTITY id held in an {@code Integer}, as many existing apps
 * declare it, and a reference to its ticket by that ticket's generated id.
 */
@Entity
public class Comment {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Integer id;

  private String text;

  @ManyToOne(optional = false)
  private Ticket ticket;

  protected Comment() {}

  public Comment(Ticket ticket, String text) {
    this.ticket = ticket;
    this.text = text;
  }

  public Integer getId() {
    return id;
  }

  public String getText() {
    return text;
  }

  public Ticket getTicket() {
    return ticket;
  }
}
