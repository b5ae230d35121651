package io.chora.jdbc;

/**
 * What a {@link ChangeTracker#recordChange recorded change} does to an entity. The names are the
 * seed's ({@code chora_sync.ChangeType}).
 */
public enum ChangeType {
  /** Stores a new entity's value (an upsert: an existing entity's value is replaced). */
  INSERT,
  /** Replaces an entity's value (an upsert: a missing entity is created). */
  UPDATE,
  /** Removes an entity; removing one that does not exist changes nothing. */
  DELETE
}
