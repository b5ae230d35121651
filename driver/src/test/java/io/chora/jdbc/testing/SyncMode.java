package io.chora.jdbc.testing;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The two engines behind {@code jdbc:chora:}, for tests that hold both to one contract: how to open
 * a replica in each, and the few words in which their refusals differ.
 */
public enum SyncMode {
  /** Triggers and a change log (the default); the replica's name is its site id. */
  JAVA {
    @Override
    public String option(String name) {
      return "chora.site=" + name;
    }

    @Override
    public String aheadRefusal() {
      return "seq gap";
    }
  },
  /** cr-sqlite's CRRs ({@code chora.mode=crsqlite}); cr-sqlite makes the site ids. */
  CRSQLITE {
    @Override
    public String option(String name) {
      return "chora.mode=crsqlite";
    }

    @Override
    public String aheadRefusal() {
      return "more than is known";
    }
  };

  /** The chora option that opens replica {@code name} in this mode. */
  public abstract String option(String name);

  /** What a replica says when a set continues past what it holds (one sent earlier is lost). */
  public abstract String aheadRefusal();

  /**
   * Opens replica {@code name} in {@code dir} ({@code name.db}); {@code query} adds options such as
   * {@code chora.tables=...} or sqlite-jdbc's.
   */
  public Connection open(Path dir, String name, String... query) throws SQLException {
    StringBuilder url = new StringBuilder("jdbc:chora:").append(dir.resolve(name + ".db"));
    url.append('?').append(option(name));
    for (String q : query) {
      url.append('&').append(q);
    }
    return DriverManager.getConnection(url.toString());
  }

  public static ChoraConnection chora(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }
}
