package io.chora.hub;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a hub runs: where it listens, where it keeps each workspace's log, who may connect, and its
 * limits. Start from {@link #of(Path, Map)} and change what differs with the {@code with...}
 * methods; every value is checked when the config is made, so a bad one fails before anything
 * listens.
 *
 * @param host the address to bind (default {@code 127.0.0.1}: only this machine)
 * @param port the port, 0 for a free one ({@link HubServer#port()} tells which)
 * @param dataDir where each workspace's log lives, one SQLite file per workspace, and the hub's
 *     lock ({@code hub.lock}, one hub per directory); may be null with a {@code store}, which keeps
 *     everything (logs, device tokens) and needs nothing on local disk
 * @param tokens the shared bearer token of each workspace (at least {@value #MIN_TOKEN_LENGTH}
 *     characters), for trusted setups: everyone holding it may write as any site bound to it.
 *     Workspaces with device tokens ({@link HubTokens}) exist too; may be empty if all do
 * @param maxFrameBytes the largest message a client may send (default 16 MiB)
 * @param pushesPerSecond pushes per second a connection may make, with bursts of as many
 * @param idleTimeout a connection silent this long is closed (default 60 s)
 * @param helloTimeout a connection that has not said hello this long after connecting is closed
 * @param outboundQueueBytes how much a connection may have waiting to be sent before it is closed
 *     as too slow (it reconnects and catches up from the log)
 * @param maxConnectionBytes the most heap one connection may hold at once (default 64 MiB): the
 *     message being read, what waits in its outbound queue, and the clock the hub keeps of it
 *     (estimated at {@value ConnectionBudget#ENTRY_BYTES} bytes plus the site id's length per
 *     site). A connection that would hold more is closed with 1009; at least {@code maxFrameBytes}
 * @param keystore a PKCS#12 or JKS keystore to serve {@code wss://}, or null for {@code ws://}
 * @param keystorePassword the keystore's password, or null
 * @param store where the logs are kept when not in {@code dataDir}: a PostgreSQL database that
 *     several hub instances share ({@link PgDatabase}), or null for the embedded SQLite files
 * @param snapshots when the hub asks members for snapshots and compacts its logs ({@link
 *     SnapshotPolicy})
 */
public record HubConfig(
    String host,
    int port,
    Path dataDir,
    Map<String, String> tokens,
    int maxFrameBytes,
    int pushesPerSecond,
    Duration idleTimeout,
    Duration helloTimeout,
    long outboundQueueBytes,
    long maxConnectionBytes,
    Path keystore,
    String keystorePassword,
    StoreUrl store,
    SnapshotPolicy snapshots) {

  /** What the protocol allows as a workspace name (it is also the log's file name). */
  public static final Pattern WORKSPACE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The shortest token a workspace may have: long enough that guessing is hopeless. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_PUSHES_PER_SECOND = 200;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
  public static final long DEFAULT_OUTBOUND_QUEUE_BYTES = 32L * 1024 * 1024;

  /** A whole frame, a full outbound queue and a clock of 10,000 long site ids fit, with room. */
  public static final long DEFAULT_MAX_CONNECTION_BYTES = 64L * 1024 * 1024;

  public HubConfig {
    Objects.requireNonNull(host, "host");
    if (dataDir == null && store == null) {
      throw new NullPointerException("dataDir: a hub keeps its logs there, or in a store");
    }
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(helloTimeout, "helloTimeout");
    Objects.requireNonNull(snapshots, "snapshots");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535: " + port);
    }
    if (tokens == null) {
      throw new IllegalArgumentException("tokens: a map, empty for a hub of device tokens only");
    }
    tokens.forEach(
        (workspace, token) -> {
          if (workspace == null || !WORKSPACE_NAME.matcher(workspace).matches()) {
            throw new IllegalArgumentException(
                "a workspace name is 1-64 of A-Z a-z 0-9 . _ - : " + workspace);
          }
          checkToken(workspace, token);
        });
    tokens = Map.copyOf(new LinkedHashMap<>(tokens));
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
    }
    if (pushesPerSecond < 1) {
      throw new IllegalArgumentException("pushesPerSecond must be positive: " + pushesPerSecond);
    }
    if (idleTimeout.toMillis() < 100 || helloTimeout.toMillis() < 100) {
      throw new IllegalArgumentException("timeouts must be at least 100 ms");
    }
    if (outboundQueueBytes < 1024) {
      throw new IllegalArgumentException("outboundQueueBytes must be at least 1024");
    }
    if (maxConnectionBytes < maxFrameBytes) {
      throw new IllegalArgumentException(
          "maxConnectionBytes must be at least maxFrameBytes ("
              + maxFrameBytes
              + "): "
              + maxConnectionBytes);
    }
    if (keystore != null && keystorePassword == null) {
      throw new IllegalArgumentException("a keystore needs its password");
    }
  }

  /**
   * Refuses a token shorter than {@value #MIN_TOKEN_LENGTH} characters (spaces around it not
   * counted).
   *
   * @throws IllegalArgumentException naming the workspace
   */
  public static void checkToken(String workspace, String token) {
    if (token == null || token.strip().length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "the token of workspace "
              + workspace
              + " is too short: a hub token has at least "
              + MIN_TOKEN_LENGTH
              + " characters");
    }
  }

  /** A fresh unguessable workspace token: 256 random bits, URL-safe (43 characters). */
  public static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A hub on 127.0.0.1, a free port, default limits and no TLS. */
  public static HubConfig of(Path dataDir, Map<String, String> tokens) {
    return new HubConfig(
        "127.0.0.1",
        0,
        dataDir,
        tokens,
        DEFAULT_MAX_FRAME_BYTES,
        DEFAULT_PUSHES_PER_SECOND,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_HELLO_TIMEOUT,
        DEFAULT_OUTBOUND_QUEUE_BYTES,
        DEFAULT_MAX_CONNECTION_BYTES,
        null,
        null,
        null,
        SnapshotPolicy.DEFAULT);
  }

  public HubConfig withHost(String host) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withPort(int port) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  /** Also raises {@link #maxConnectionBytes} to the frame limit when it was below. */
  public HubConfig withMaxFrameBytes(int maxFrameBytes) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        Math.max(maxConnectionBytes, maxFrameBytes),
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withPushesPerSecond(int pushesPerSecond) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withIdleTimeout(Duration idleTimeout) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withHelloTimeout(Duration helloTimeout) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withOutboundQueueBytes(long outboundQueueBytes) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  public HubConfig withMaxConnectionBytes(long maxConnectionBytes) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  /** Serve {@code wss://} with the key and certificate in {@code keystore}. */
  public HubConfig withKeystore(Path keystore, String keystorePassword) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  /** Keep the logs in PostgreSQL at {@code store} instead of SQLite files in the data directory. */
  public HubConfig withStore(StoreUrl store) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  /**
   * A hub whose logs and device tokens are all in the PostgreSQL {@code store}: no data directory,
   * no lock file (instances on one store are meant to run side by side). Defaults as {@link
   * #of(Path, Map)}.
   */
  public static HubConfig of(StoreUrl store, Map<String, String> tokens) {
    Objects.requireNonNull(store, "store");
    HubConfig defaults = of(Path.of("."), tokens);
    return new HubConfig(
        defaults.host,
        defaults.port,
        null,
        defaults.tokens,
        defaults.maxFrameBytes,
        defaults.pushesPerSecond,
        defaults.idleTimeout,
        defaults.helloTimeout,
        defaults.outboundQueueBytes,
        defaults.maxConnectionBytes,
        null,
        null,
        store,
        defaults.snapshots);
  }

  /**
   * Snapshots and compaction as {@code snapshots} says instead of {@link SnapshotPolicy#DEFAULT}.
   */
  public HubConfig withSnapshots(SnapshotPolicy snapshots) {
    return new HubConfig(
        host,
        port,
        dataDir,
        tokens,
        maxFrameBytes,
        pushesPerSecond,
        idleTimeout,
        helloTimeout,
        outboundQueueBytes,
        maxConnectionBytes,
        keystore,
        keystorePassword,
        store,
        snapshots);
  }

  /** Whether clients connect with {@code wss://}. */
  public boolean tls() {
    return keystore != null;
  }

  /** Never prints the tokens, the keystore password or the store's (configs end up in logs). */
  @Override
  public String toString() {
    return "HubConfig[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", workspaces="
        + tokens.keySet()
        + ", maxFrameBytes="
        + maxFrameBytes
        + ", pushesPerSecond="
        + pushesPerSecond
        + ", idleTimeout="
        + idleTimeout
        + ", helloTimeout="
        + helloTimeout
        + ", outboundQueueBytes="
        + outboundQueueBytes
        + ", maxConnectionBytes="
        + maxConnectionBytes
        + ", keystore="
        + keystore
        + ", store="
        + (store == null ? "sqlite" : store)
        + ", snapshots="
        + snapshots
        + "]";
  }
}
