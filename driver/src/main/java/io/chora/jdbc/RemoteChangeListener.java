package io.chora.jdbc;

/**
 * Told when changes from another replica were applied to the database by the hub client, after they
 * committed. Called on the hub client's thread: return quickly (hand work to your own executor); an
 * exception is logged and does not stop sync.
 */
@FunctionalInterface
public interface RemoteChangeListener {
  void remoteChanges(RemoteChanges changes);
}
