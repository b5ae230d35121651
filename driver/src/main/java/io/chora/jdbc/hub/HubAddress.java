package io.chora.jdbc.hub;

import io.chora.jdbc.shared.SetSignatures;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a database syncs live: the WebSocket endpoints of one workspace (one hub, or several
 * instances of one hub on a shared store, tried in turn), the workspace's token, and the database
 * file (one hub client serves every connection to the same file).
 */
public record HubAddress(
    List<URI> endpoints,
    String workspace,
    String token,
    Path database,
    Path identityFile,
    Path recipientsFile,
    SetSignatures signatures) {
  private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Reads {@code chora.hub=ws://HOST:PORT/WORKSPACE} (or a comma-separated list of such URLs, the
   * instances of one hub, all naming the same workspace) and {@code chora.hub.token}; null when no
   * hub is configured. With end-to-end encryption, {@code encrypt} names this device's age identity
   * file and {@code recipients} the workspace's members (a recipients file; without it, changes are
   * encrypted to this device's own key). {@code signing}: chora.sign is on, so that the members
   * file also serves without a hub (exports); the signing itself is added by {@link #signedWith},
   * once the hub options are known to be right (a misplaced option is named before a missing key).
   */
  public static HubAddress parse(
      String hub,
      String token,
      String sqliteAddress,
      String encrypt,
      String recipients,
      boolean signing)
      throws SQLException {
    if (hub == null) {
      if (token != null || encrypt != null || (recipients != null && !signing)) {
        throw new SQLException(
            (token != null
                    ? "chora.hub.token"
                    : encrypt != null ? "chora.encrypt" : "chora.recipients")
                + " is set but chora.hub is not");
      }
      return null;
    }
    if (recipients != null && encrypt == null && !signing) {
      throw new SQLException(
          "chora.recipients needs chora.encrypt (this device's identity file) or chora.sign");
    }
    List<URI> endpoints = new ArrayList<>();
    String workspace = null;
    for (String one : hub.split(",", -1)) {
      URI endpoint = endpoint(one, hub);
      String named = endpoint.getPath().substring(("/v" + HubProtocol.VERSION + "/").length());
      if (workspace != null && !workspace.equals(named)) {
        throw new SQLException(
            "chora.hub lists instances of one workspace, but names both '"
                + workspace
                + "' and '"
                + named
                + "': '"
                + hub
                + "'");
      }
      if (endpoints.contains(endpoint)) {
        throw new SQLException("chora.hub lists " + one.strip() + " twice: '" + hub + "'");
      }
      workspace = named;
      endpoints.add(endpoint);
    }
    if (token == null || token.isBlank()) {
      throw new SQLException("chora.hub needs chora.hub.token, the workspace's token on the hub");
    }
    return new HubAddress(
        List.copyOf(endpoints),
        workspace,
        token,
        databaseFile(sqliteAddress),
        encrypt == null ? null : Path.of(encrypt),
        encrypt == null || recipients == null ? null : Path.of(recipients),
        null);
  }

  /**
   * One {@code ws://HOST:PORT/WORKSPACE} of the list, as the versioned endpoint the client opens.
   */
  private static URI endpoint(String one, String hub) throws SQLException {
    URI uri;
    try {
      uri = new URI(one.strip());
    } catch (URISyntaxException e) {
      throw new SQLException("chora.hub is not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    String path = uri.getPath() == null ? "" : uri.getPath();
    String workspace = path.startsWith("/") ? path.substring(1) : path;
    if (!(scheme.equals("ws") || scheme.equals("wss"))
        || uri.getHost() == null
        || !WORKSPACE.matcher(workspace).matches()) {
      throw new SQLException(
          "chora.hub must look like ws://HOST:PORT/WORKSPACE (or wss://), where WORKSPACE is 1-64"
              + " letters, digits, '.', '_' or '-', or be a comma-separated list of such URLs: '"
              + hub
              + "'");
    }
    return URI.create(
        scheme + "://" + uri.getRawAuthority() + "/v" + HubProtocol.VERSION + "/" + workspace);
  }

  /** The endpoints as one text, comma-separated: what the file's hub record is kept under. */
  public String endpointsText() {
    return String.join(",", endpoints.stream().map(URI::toString).toList());
  }

  /** This address, its envelopes signed and checked with {@code signatures} (or not: null). */
  public HubAddress signedWith(SetSignatures signatures) {
    return new HubAddress(
        endpoints, workspace, token, database, identityFile, recipientsFile, signatures);
  }

  /** How payloads travel: age-encrypted when {@code chora.encrypt} is set, else plain. */
  PayloadCipher cipher() throws SQLException {
    return identityFile == null
        ? PayloadCipher.plain()
        : PayloadCipher.age(identityFile, recipientsFile);
  }

  private static Path databaseFile(String sqliteAddress) throws SQLException {
    if (sqliteAddress.contains("mode=memory")) {
      sqliteAddress = ":memory:";
    }
    String file = sqliteAddress;
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isBlank() || file.contains(":memory:") || file.contains("mode=memory")) {
      throw new SQLException(
          "chora.hub needs a database file: the hub client opens its own connection to it");
    }
    return Path.of(file).toAbsolutePath().normalize();
  }

  @Override
  public String toString() { // never the token
    return endpointsText() + " for " + database;
  }
}
