package io.chora.jdbc.hub;

import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChangeListener;
import java.util.HashMap;
import java.util.Map;

/**
 * The running hub clients, one per database file and hub endpoints, shared by every connection that
 * names them and stopped when the last of those connections closes.
 */
public final class HubClients {
  private record Key(java.nio.file.Path database, java.util.List<java.net.URI> endpoints) {}

  private static final class Entry {
    final HubClient client;
    int users;

    Entry(HubClient client) {
      this.client = client;
    }
  }

  private static final Map<Key, Entry> RUNNING = new HashMap<>();

  private HubClients() {}

  /** A connection's handle on its database's hub client. */
  public static final class Lease implements AutoCloseable {
    private final Key key;
    private final HubClient client;
    private final Object owner;
    private boolean released;

    private Lease(Key key, HubClient client, Object owner) {
      this.key = key;
      this.client = client;
      this.owner = owner;
    }

    /** Tells the client that the owning connection committed. */
    public void committed() {
      client.localCommit();
    }

    public void addListener(RemoteChangeListener listener) {
      client.addListener(owner, listener);
    }

    public void removeListener(RemoteChangeListener listener) {
      client.removeListener(listener);
    }

    public HubStatus status(String site, io.chora.sync.VectorClock clock) {
      return client.status(site, clock);
    }

    /** The owning connection closed: its listeners go; the last one out stops the client. */
    @Override
    public void close() {
      HubClient stop = null;
      synchronized (RUNNING) {
        if (released) {
          return;
        }
        released = true;
        client.removeListenersOf(owner);
        Entry entry = RUNNING.get(key);
        if (entry != null && entry.client == client && --entry.users == 0) {
          RUNNING.remove(key);
          stop = client;
        }
      }
      if (stop != null) {
        stop.close(); // outside the lock: a new connection may start a new client meanwhile
      }
    }
  }

  /** Joins (or starts) the client for {@code address} on behalf of connection {@code owner}. */
  public static Lease acquire(HubAddress address, HubClient.Opener opener, Object owner)
      throws java.sql.SQLException {
    Key key = new Key(address.database(), address.endpoints());
    synchronized (RUNNING) {
      Entry entry = RUNNING.get(key);
      if (entry == null) {
        entry = new Entry(new HubClient(address, opener));
        RUNNING.put(key, entry);
        entry.client.start();
      }
      entry.users++;
      return new Lease(key, entry.client, owner);
    }
  }
}
