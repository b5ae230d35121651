package io.chora.jdbc.hub;

import io.chora.jdbc.RemoteChangeListener;
import io.chora.jdbc.RemoteChanges;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The application's listeners for changes the hub brought, each registered by the connection that
 * added it, so that closing that connection removes its listeners. Told on the client's worker
 * thread after each applied envelope; a listener that throws is logged and the others still hear.
 */
final class RemoteListeners {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc.hub");

  private record Registration(Object owner, RemoteChangeListener listener) {}

  private final List<Registration> listeners = new CopyOnWriteArrayList<>();

  void add(Object owner, RemoteChangeListener listener) {
    listeners.add(new Registration(owner, listener));
  }

  void remove(RemoteChangeListener listener) {
    listeners.removeIf(r -> r.listener() == listener);
  }

  void removeAllOf(Object owner) {
    listeners.removeIf(r -> r.owner() == owner);
  }

  /** Tells every listener the keys {@code set} changed, per table, as written by {@code origin}. */
  void tell(String origin, ChangeSet set) {
    if (listeners.isEmpty()) {
      return;
    }
    Map<String, List<List<Object>>> keys = new LinkedHashMap<>();
    for (Transaction tx : set.transactions()) {
      for (Change change : tx.changes()) {
        keys.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change.key());
      }
    }
    RemoteChanges changes = new RemoteChanges(origin, keys);
    for (Registration r : listeners) {
      try {
        r.listener().remoteChanges(changes);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "chora: a remote change listener failed", e);
      }
    }
  }
}
