package io.chora.cli;

import io.chora.hub.HubConfig;
import io.chora.hub.HubRunner;
import io.chora.hub.HubTokens;
import io.chora.hub.StoreUrl;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "hub",
    description = {
      "Run a hub that replicas sync through in real time, until Ctrl-C or SIGTERM.",
      "An app joins a workspace with these in its jdbc:chora: URL:",
      "chora.hub=ws://HOST:PORT/WORKSPACE and chora.hub.token=TOKEN.",
      "Every change the hub acknowledged is on disk.",
      "Per-device tokens: chora hub token add|revoke|list; envelopes no replica can apply:"
          + " chora hub purge."
    },
    subcommands = {HubTokenCommand.class, HubPurgeCommand.class})
final class HubCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "port to listen on; 0 picks a free one (printed)")
  Integer port; // required to run a hub, not for its subcommands

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "where each workspace's log is kept (WORKSPACE.db, created on first use); not with"
              + " --store")
  Path data;

  @Option(
      names = "--token",
      paramLabel = "WORKSPACE=TOKEN",
      converter = WorkspaceTokenConverter.class,
      description =
          "a workspace and the token its clients present (at least "
              + HubConfig.MIN_TOKEN_LENGTH
              + " characters); repeat for more workspaces")
  List<WorkspaceToken> tokens = new ArrayList<>();

  @Option(
      names = "--new-token",
      paramLabel = "WORKSPACE",
      description =
          "a workspace with a new random token, printed once at start; repeat for more workspaces")
  List<String> newTokens = new ArrayList<>();

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      description = "address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0: all)")
  String host;

  @Option(
      names = "--keystore",
      paramLabel = "FILE",
      description = "PKCS#12 or JKS keystore with the hub's key and certificate: serve wss://")
  Path keystore;

  @Option(
      names = "--keystore-password",
      paramLabel = "PASSWORD",
      description = "the keystore's password")
  String keystorePassword;

  @Option(
      names = "--max-frame-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + HubConfig.DEFAULT_MAX_FRAME_BYTES,
      description = "largest message a client may send (default: ${DEFAULT-VALUE})")
  int maxFrameBytes;

  @Option(
      names = "--max-connection-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + HubConfig.DEFAULT_MAX_CONNECTION_BYTES,
      description =
          "most heap one connection may hold: message, outbound queue and clock (default:"
              + " ${DEFAULT-VALUE})")
  long maxConnectionBytes;

  @Option(
      names = "--pushes-per-second",
      paramLabel = "N",
      defaultValue = "" + HubConfig.DEFAULT_PUSHES_PER_SECOND,
      description = "pushes a connection may make per second (default: ${DEFAULT-VALUE})")
  int pushesPerSecond;

  @Option(
      names = "--store",
      paramLabel = "JDBC_URL",
      description =
          "keep the logs in PostgreSQL,%njdbc:postgresql://HOST:PORT/DATABASE?user=USER, shared by"
              + " every hub instance given the same URL; the password from "
              + StoreUrl.PASSWORD_ENV
              + "; the hub then needs no --data (default: one SQLite file per workspace in --data)")
  String store;

  @Spec CommandSpec spec;

  /** One {@code --token WORKSPACE=TOKEN}. */
  record WorkspaceToken(String workspace, String token) {}

  /** Reads {@code WORKSPACE=TOKEN}; anything else is a usage error. */
  static final class WorkspaceTokenConverter implements CommandLine.ITypeConverter<WorkspaceToken> {
    @Override
    public WorkspaceToken convert(String text) {
      int equals = text.indexOf('=');
      String workspace = equals < 0 ? "" : text.substring(0, equals);
      String token = equals < 0 ? "" : text.substring(equals + 1);
      if (!HubConfig.WORKSPACE_NAME.matcher(workspace).matches() || token.isBlank()) {
        throw new CommandLine.TypeConversionException(
            "'"
                + text
                + "' is not WORKSPACE=TOKEN (a workspace name is 1-64 of A-Z a-z 0-9 . _ -,"
                + " and the token is not empty)");
      }
      try {
        HubConfig.checkToken(workspace, token);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            e.getMessage() + " (or let the hub make one: --new-token " + workspace + ")");
      }
      return new WorkspaceToken(workspace, token);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    for (String workspace : newTokens) {
      tokens.add(new WorkspaceToken(workspace, HubConfig.randomToken()));
    }
    HubConfig config = config();
    Runnable newTokensSaid =
        () -> {
          for (String workspace : newTokens) {
            String token = config.tokens().get(workspace);
            out.println("workspace " + workspace + ": new token " + token);
            out.println("  (restart with --token " + workspace + "=" + token + " to keep it)");
          }
        };
    try {
      HubRunner.runUntilShutdown(config, out, newTokensSaid);
    } catch (BindException e) {
      throw new CliException(
          ExitCode.FAILED, e.getMessage(), "choose another with --port (0 picks a free one)");
    } catch (io.chora.hub.HubRunning e) {
      throw new CliException(
          ExitCode.FAILED,
          e.getMessage(),
          "one hub runs on a data directory: stop that one first, or give this one another"
              + " --data DIR");
    }
    return ExitCode.OK;
  }

  private HubConfig config() throws java.io.IOException {
    if (port == null || (data == null && store == null)) {
      throw usage("a hub needs --port PORT and --data DIR (or --store JDBC_URL for PostgreSQL)");
    }
    if (data != null && store != null) {
      throw usage(HubStoreOption.BOTH);
    }
    StoreUrl storeUrl;
    try {
      storeUrl = store == null ? null : new StoreUrl(store, System.getenv(StoreUrl.PASSWORD_ENV));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (tokens.isEmpty()
        && HubTokens.list(data, storeUrl).stream().allMatch(t -> t.revoked() != null)) {
      throw usage(
          "a hub needs a workspace: --token WORKSPACE=TOKEN, or --new-token WORKSPACE to have"
              + " one made, or device tokens ("
              + Chora.command("hub token add")
              + ")");
    }
    Map<String, String> byWorkspace = new LinkedHashMap<>();
    for (WorkspaceToken token : tokens) {
      if (byWorkspace.put(token.workspace(), token.token()) != null) {
        throw usage("workspace " + token.workspace() + " has more than one --token");
      }
    }
    if ((keystore == null) != (keystorePassword == null)) {
      throw usage("--keystore and --keystore-password go together");
    }
    try {
      HubConfig config =
          (storeUrl == null ? HubConfig.of(data, byWorkspace) : HubConfig.of(storeUrl, byWorkspace))
              .withHost(host)
              .withPort(port)
              .withMaxFrameBytes(maxFrameBytes)
              // the default budget grows with a larger frame; a budget given is checked as given
              .withMaxConnectionBytes(
                  maxConnectionBytes == HubConfig.DEFAULT_MAX_CONNECTION_BYTES
                      ? Math.max(maxConnectionBytes, maxFrameBytes)
                      : maxConnectionBytes)
              .withPushesPerSecond(pushesPerSecond);
      return keystore == null ? config : config.withKeystore(keystore, keystorePassword);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
