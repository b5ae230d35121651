package io.chora.jdbc;

import io.chora.jdbc.shared.ChoraOptions;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * The seed's {@code ChangeTracker}: one replica holding entities (an id and a text value) in a
 * table {@code entities(entity_id TEXT PRIMARY KEY, value TEXT)}.
 *
 * <p>A thin layer over the driver, not a second engine: the tracker opens {@code
 * jdbc:chora:<dbPath>} through {@link DriverManager} and writes the table with plain JDBC, so the
 * driver's capture records every change with its dot and clock, exactly as for any other
 * application. The site id goes to the driver as the {@code chora.site} connection property (not
 * pasted into the URL, so that a {@code dbPath} with its own {@code ?query} still works and the
 * driver checks the id as given).
 *
 * <p>Choices, documented here because the seed left them open:
 *
 * <ul>
 *   <li>{@link ChangeType#INSERT} and {@link ChangeType#UPDATE} both upsert: the entity ends with
 *       the given value whether it existed or not (the seed records both as "set the value").
 *       {@link ChangeType#DELETE} removes the entity; deleting a missing entity is no change (the
 *       clock does not move) and its {@code value} argument is ignored.
 *   <li>Bad arguments (null or empty entity id, null type, null value for INSERT/UPDATE) are
 *       programming errors and throw {@link IllegalArgumentException}, like {@link VectorClock}
 *       does; failures of the database throw {@link SQLException} with SQLite's message.
 *   <li>A null {@code siteId} lets the driver decide: the id stored in the database, or a random
 *       one on first open. The driver checks a given id (1-64 letters, digits, {@code . _ : -}) and
 *       refuses one that differs from the id the database stores, both with an {@link
 *       SQLException}.
 * </ul>
 *
 * <p>A tracker holds one connection; use it from one thread at a time, and close it.
 */
public final class ChangeTracker implements AutoCloseable {
  private static final String CREATE =
      "CREATE TABLE IF NOT EXISTS entities(entity_id TEXT PRIMARY KEY, value TEXT)";
  private static final String UPSERT =
      "INSERT INTO entities(entity_id, value) VALUES (?, ?)"
          + " ON CONFLICT(entity_id) DO UPDATE SET value = excluded.value";
  private static final String DELETE = "DELETE FROM entities WHERE entity_id = ?";
  private static final String SELECT = "SELECT value FROM entities WHERE entity_id = ?";

  private final ChoraConnection connection;

  /**
   * Opens (creating if missing) the database at {@code dbPath} as replica {@code siteId}, and the
   * {@code entities} table in it.
   *
   * @param dbPath what follows {@code jdbc:chora:} (a file path, {@code file:...}, {@code
   *     :memory:}, optionally with sqlite-jdbc query parameters)
   * @param siteId this replica's id, or null for the stored (or a random) one
   */
  public ChangeTracker(String dbPath, String siteId) throws SQLException {
    if (dbPath == null || dbPath.isBlank()) {
      throw new IllegalArgumentException("dbPath must be a non-empty database path");
    }
    Properties props = new Properties();
    if (siteId != null) {
      props.setProperty(ChoraOptions.SITE, siteId);
    }
    Connection conn = DriverManager.getConnection(ChoraOptions.PREFIX + dbPath, props);
    try {
      this.connection = conn.unwrap(ChoraConnection.class);
      try (Statement st = conn.createStatement()) {
        st.execute(CREATE);
      }
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** Opens the database at {@code dbPath} with its stored site id (a random one if new). */
  public ChangeTracker(String dbPath) throws SQLException {
    this(dbPath, null);
  }

  /**
   * Records one change of entity {@code entityId}, committed as its own transaction: INSERT and
   * UPDATE set the value (upsert), DELETE removes the entity ({@code value} is then ignored).
   *
   * @throws IllegalArgumentException for a null or empty entity id, a null type, or a null value
   *     with INSERT or UPDATE
   */
  public void recordChange(String entityId, ChangeType type, String value) throws SQLException {
    requireEntityId(entityId);
    if (type == null) {
      throw new IllegalArgumentException("change type must be INSERT, UPDATE or DELETE, not null");
    }
    if (type != ChangeType.DELETE && value == null) {
      throw new IllegalArgumentException(
          type + " of entity '" + entityId + "' needs a value (null is only for DELETE)");
    }
    requireOpen();
    if (type == ChangeType.DELETE) {
      try (PreparedStatement ps = connection.prepareStatement(DELETE)) {
        ps.setString(1, entityId);
        ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
        ps.setString(1, entityId);
        ps.setString(2, value);
        ps.executeUpdate();
      }
    }
  }

  /** The entity's current value, or empty when this replica does not hold it. */
  public Optional<String> get(String entityId) throws SQLException {
    requireEntityId(entityId);
    requireOpen();
    try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
      ps.setString(1, entityId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** This replica's vector clock (the driver's {@link ChoraConnection#clock()}). */
  public VectorClock clock() throws SQLException {
    requireOpen();
    return connection.clock();
  }

  /** This replica's site id. */
  public String siteId() {
    return connection.siteId();
  }

  /** The chora connection underneath, for everything beyond the seed API (conflicts, deltas). */
  public ChoraConnection connection() {
    return connection;
  }

  /** Closes the connection; closing twice is harmless. */
  @Override
  public void close() throws SQLException {
    connection.close();
  }

  @Override
  public String toString() {
    return "ChangeTracker[site=" + connection.siteId() + "]";
  }

  private void requireOpen() throws SQLException {
    if (connection.isClosed()) {
      throw new SQLException("ChangeTracker for site '" + siteId() + "' is closed");
    }
  }

  private static void requireEntityId(String entityId) {
    if (entityId == null || entityId.isEmpty()) {
      throw new IllegalArgumentException("entity id must be a non-empty string");
    }
  }
}
