package io.chora.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides who an upgrade request is, from its {@code Authorization: Bearer} header: the workspace's
 * shared token (from the config) or one of its {@link DeviceTokens}. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the time taken tells neither how much of a guess
 * was right nor how long the token is; an unknown workspace costs the same comparisons, so timing
 * does not tell which workspaces exist either.
 */
final class WorkspaceTokens {
  private static final String BEARER = "bearer ";
  private static final byte[] NO_TOKEN = sha256("no workspace has this token");

  private final Map<String, byte[]> digests = new HashMap<>();
  private final DeviceTokens devices;

  WorkspaceTokens(Map<String, String> tokens, DeviceTokens devices) {
    tokens.forEach((workspace, token) -> digests.put(workspace, sha256(token)));
    this.devices = devices;
  }

  /** Who presents {@code authorizationHeader} to {@code workspace}, or null: refuse. */
  Credential credential(String workspace, String authorizationHeader) {
    String presented = bearerToken(authorizationHeader);
    byte[] digest = sha256(presented == null ? "" : presented);
    byte[] expected = digests.get(workspace);
    boolean equal = MessageDigest.isEqual(digest, expected == null ? NO_TOKEN : expected);
    if (equal && expected != null && presented != null) {
      return Credential.workspaceToken(workspace, expected);
    }
    if (presented == null) {
      return null;
    }
    devices.refresh(); // a token added or revoked a moment ago counts at once
    return devices.match(workspace, digest);
  }

  /** Whether a connection opened with {@code credential} may stay open. */
  boolean stillValid(Credential credential) {
    return credential.isWorkspaceToken() || devices.isActive(credential);
  }

  /** The token of {@code Bearer TOKEN} (the scheme is case-insensitive), or null. */
  private static String bearerToken(String header) {
    if (header == null || header.length() <= BEARER.length()) {
      return null;
    }
    if (!header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    String token = header.substring(BEARER.length()).strip();
    return token.isEmpty() ? null : token;
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
