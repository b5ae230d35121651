package io.chora.ui;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a connection to the replica the page shows. The page opens one per request and closes it
 * straight after, so it never holds a lock between requests while the application keeps writing. A
 * {@code DataSource} fits as {@code dataSource::getConnection}; the connection must unwrap to
 * {@code io.chora.jdbc.ChoraConnection}.
 */
@FunctionalInterface
public interface ReplicaConnections {
  Connection open() throws SQLException;
}
