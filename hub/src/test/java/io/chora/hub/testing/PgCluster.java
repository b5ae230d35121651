package io.chora.hub.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: {@code initdb} in a temp directory, {@code pg_ctl} on a
 * free port of 127.0.0.1 (Unix socket in the same directory, nothing else listens), stopped and
 * removed after. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user
 * that Debian's package creates. Without the server binaries the tests fail, saying what to
 * install: a PostgreSQL test that skips would pass on a machine that never ran it.
 */
public final class PgCluster implements AutoCloseable {
  private static final String USER = "chora";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PgCluster shared;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asRoot;

  private PgCluster(Path bin, Path dir, int port, boolean asRoot) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asRoot = asRoot;
  }

  /** One server for the whole test JVM, stopped when it exits; tests take a database each. */
  public static synchronized PgCluster shared() throws IOException {
    if (shared == null) {
      shared = start();
      PgCluster stopping = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(stopping::close));
    }
    return shared;
  }

  /** A server of its own, for a test that stops and restarts it. */
  public static PgCluster start() throws IOException {
    Path bin = binaries();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    // not under a JUnit temp dir: its parents are root's alone, and postgres must enter this one
    Path dir =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "chora-pg-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (asRoot) {
      run(List.of("chown", "postgres:postgres", dir.toString()), false);
    }
    PgCluster cluster = new PgCluster(bin, dir, freePort(), asRoot);
    cluster.run(
        "initdb",
        "-D",
        dir.resolve("data").toString(),
        "-U",
        USER,
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
        "--no-instructions");
    cluster.startServer();
    return cluster;
  }

  private static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(Path::toString))
          .orElseThrow(PgCluster::missing);
    } catch (IOException e) {
      throw missing();
    }
  }

  private static AssertionError missing() {
    return new AssertionError(
        "the PostgreSQL store's tests need the PostgreSQL server binaries (initdb, pg_ctl) under"
            + " /usr/lib/postgresql/*/bin: install Debian's or Ubuntu's package, apt-get install"
            + " postgresql (.ci/run does)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts the server (again, after {@link #stop}) and waits until it takes connections. */
  public void startServer() throws IOException {
    run(
        "pg_ctl",
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300",
        "start");
  }

  /** Stops the server at once, as a crash would: connections drop, nothing is flushed politely. */
  public void stop() throws IOException {
    run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
  }

  /** The JDBC URL of the server's {@code postgres} database. */
  public String adminUrl() {
    return url("postgres");
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** A new, empty database: each test its own, so tests do not see each other's workspaces. */
  public String newDatabase() throws SQLException {
    String name = "t" + DATABASES.incrementAndGet();
    try (Connection db = DriverManager.getConnection(adminUrl());
        Statement st = db.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  private void run(String tool, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    run(command, true);
  }

  private static void run(List<String> command, boolean inTmp) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (inTmp) {
      builder.directory(new java.io.File("/tmp")); // a directory the postgres user may enter
    }
    Process process = builder.start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (IOException e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind
    }
  }
}
