package io.chora.hub;

/**
 * Who opened a connection: the workspace's shared token, or one device token. Sites are bound to a
 * credential's {@link #id()}: a device token's name (re-adding a revoked name gives that device a
 * new token for the same sites), or {@link #WORKSPACE_TOKEN} for everyone holding the shared one.
 *
 * @param digest SHA-256 of the token presented, to tell a revoked token from its replacement
 */
record Credential(String workspace, String id, byte[] digest) {
  /** The id of the workspace's shared token; device names cannot contain {@code :}. */
  static final String WORKSPACE_TOKEN = ":workspace-token";

  static Credential workspaceToken(String workspace, byte[] digest) {
    return new Credential(workspace, WORKSPACE_TOKEN, digest);
  }

  boolean isWorkspaceToken() {
    return WORKSPACE_TOKEN.equals(id);
  }

  /** How a close reason names it. */
  String describe() {
    return isWorkspaceToken() ? "the workspace token" : "token " + Reasons.quote(id);
  }
}
