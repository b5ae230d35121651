package io.chora.cli;

import io.chora.hub.StoreUrl;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which hub a command works on, named as {@code chora hub} was started: its data directory (the
 * default SQLite store) or its PostgreSQL store, which every instance on it shares.
 */
final class HubStoreOption {
  /** Why --data and --store together are refused: each names the whole store, not a part. */
  static final String BOTH =
      "--data and --store name two different stores: give --data DIR (SQLite files in DIR) or"
          + " --store JDBC_URL (PostgreSQL, which keeps everything: no local directory)";

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "the hub's data directory (as given to chora hub --data)")
  Path data;

  @Option(
      names = "--store",
      paramLabel = "JDBC_URL",
      description =
          "the hub's PostgreSQL store (as given to chora hub --store; the password from "
              + StoreUrl.PASSWORD_ENV
              + "): every instance on it sees the change")
  String store;

  /** The store's URL, or null for the data directory's SQLite files. */
  StoreUrl store() {
    if (store != null && data != null) {
      throw new CliException(ExitCode.USAGE, BOTH);
    }
    if (store == null) {
      if (data == null) {
        throw new CliException(
            ExitCode.USAGE,
            "no hub given",
            "name it as chora hub was started: --data DIR, or --store JDBC_URL");
      }
      return null;
    }
    try {
      return new StoreUrl(store, System.getenv(StoreUrl.PASSWORD_ENV));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
  }

  /** How a hint names this hub again. */
  String given() {
    return store != null ? "--store " + store() : "--data " + data;
  }
}
