package io.chora.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Per-device tokens of a hub, managed while it runs ({@code chora hub token add|revoke|list}): the
 * hub re-reads them within a fraction of a second, accepts an added token at once and closes a
 * revoked token's connections. They are kept with the logs: in the data directory for the default
 * SQLite store, in the database for a PostgreSQL store (pass its {@link StoreUrl}), where every
 * instance serving the workspace reads them. Only each token's SHA-256 is stored; the token itself
 * is shown once, by {@link #add}.
 *
 * <p>A device token's name is its credential: the sites its replica writes as are bound to the
 * name, so after a revoke, adding the same name gives that device a new token for its sites, and a
 * new device takes a new name.
 */
public final class HubTokens {
  /** A device token's name: 1-64 of {@code A-Z a-z 0-9 . _ -}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * One device token as listed.
   *
   * @param revoked when it was revoked, or null while active
   * @param sites the sites bound to its name in the workspace's log
   */
  public record DeviceToken(
      String workspace, String name, Instant added, Instant revoked, List<String> sites) {}

  private HubTokens() {}

  /**
   * Adds a device token to {@code workspace} under {@code name} and returns it (256 random bits;
   * nothing but its digest is kept).
   *
   * @throws IllegalArgumentException for a bad workspace or name, or a name with an active token
   */
  public static String add(Path dataDir, String workspace, String name) throws IOException {
    return add(dataDir, null, workspace, name);
  }

  /**
   * {@link #add(Path, String, String)} for the hub whose store is {@code store} (null: the SQLite
   * files in {@code dataDir}).
   */
  public static String add(Path dataDir, StoreUrl store, String workspace, String name)
      throws IOException {
    check(workspace, name);
    String token = HubConfig.randomToken();
    try (TokenStore tokens = TokenStore.open(dataDir, store, true)) {
      if (!tokens.add(workspace, name, WorkspaceTokens.sha256(token), System.currentTimeMillis())) {
        throw new IllegalArgumentException(
            "workspace " + workspace + " already has an active token named " + name);
      }
    } catch (SQLException e) {
      throw cannot("write", dataDir, store, e);
    }
    return token;
  }

  /**
   * Revokes the active token of {@code name}; the hub closes its connections at once.
   *
   * @return false if {@code name} has no active token in {@code workspace}
   */
  public static boolean revoke(Path dataDir, String workspace, String name) throws IOException {
    return revoke(dataDir, null, workspace, name);
  }

  /** {@link #revoke(Path, String, String)} for the hub whose store is {@code store}. */
  public static boolean revoke(Path dataDir, StoreUrl store, String workspace, String name)
      throws IOException {
    check(workspace, name);
    try (TokenStore tokens = TokenStore.open(dataDir, store, false)) {
      return tokens != null && tokens.revoke(workspace, name, System.currentTimeMillis());
    } catch (SQLException e) {
      throw cannot("write", dataDir, store, e);
    }
  }

  /** Every device token of the data directory, revoked ones too, by workspace and name. */
  public static List<DeviceToken> list(Path dataDir) throws IOException {
    return list(dataDir, null);
  }

  /** {@link #list(Path)} for the hub whose store is {@code store}. */
  public static List<DeviceToken> list(Path dataDir, StoreUrl store) throws IOException {
    List<DeviceToken> tokens = new ArrayList<>();
    Map<String, Map<String, String>> bindings = new HashMap<>();
    try (TokenStore stored = TokenStore.open(dataDir, store, false)) {
      if (stored == null) {
        return tokens;
      }
      for (TokenStore.Row row : stored.rows()) {
        Map<String, String> bound = bindings.get(row.workspace());
        if (bound == null) {
          bound = stored.bindings(row.workspace());
          bindings.put(row.workspace(), bound);
        }
        List<String> sites = new ArrayList<>();
        bound.forEach(
            (site, owner) -> {
              if (owner.equals(row.name())) {
                sites.add(site);
              }
            });
        sites.sort(null);
        tokens.add(
            new DeviceToken(
                row.workspace(),
                row.name(),
                Instant.ofEpochMilli(row.addedAt()),
                row.revokedAt() == null ? null : Instant.ofEpochMilli(row.revokedAt()),
                List.copyOf(sites)));
      }
    } catch (SQLException e) {
      throw cannot("read", dataDir, store, e);
    }
    return tokens;
  }

  private static IOException cannot(String what, Path dataDir, StoreUrl store, SQLException e) {
    if (store != null) {
      return StoreUnreachable.of(what + " the device tokens in", store, e);
    }
    return new IOException(
        "cannot " + what + " " + TokenFile.path(dataDir) + ": " + e.getMessage(), e);
  }

  private static void check(String workspace, String name) {
    if (workspace == null || !HubConfig.WORKSPACE_NAME.matcher(workspace).matches()) {
      throw new IllegalArgumentException(
          "a workspace name is 1-64 of A-Z a-z 0-9 . _ - : " + workspace);
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a device token's name is 1-64 of A-Z a-z 0-9 . _ - : " + name);
    }
  }
}
