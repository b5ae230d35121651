package io.chora.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chora} command: look into replicas and sync them without writing code. Exit codes:
 * {@value ExitCode#OK} done, {@value ExitCode#FAILED} the operation failed (the database refused
 * it; nothing was changed), {@value ExitCode#USAGE} bad arguments, {@value ExitCode#NO_DATABASE} a
 * database file is missing or is not an SQLite database, {@value ExitCode#NOT_A_REPLICA} a command
 * that only looks was given an SQLite file that is not a chora replica yet.
 */
@Command(
    name = "chora",
    // INHERIT: every subcommand answers --help and --version too (`chora status --help`)
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Chora.Version.class,
    description =
        "Look into chora replicas (SQLite files written through jdbc:chora:) and sync them.",
    subcommands = {
      DemoCommand.class,
      StatusCommand.class,
      DoctorCommand.class,
      LogCommand.class,
      SyncCommand.class,
      CloneCommand.class,
      RepairForkCommand.class,
      CompactCommand.class,
      ConflictsCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      UiCommand.class,
      HubCommand.class,
      KeygenCommand.class,
      WorkspaceCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 done, 1 the operation failed (nothing changed), 2 bad arguments,",
      "3 a database file is missing or not an SQLite database, 4 an SQLite file that",
      "is not a chora replica yet (commands that only look never make one), 5 a sync",
      "through a hub did not finish in time (what arrived is kept: run it again)."
    })
public final class Chora implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Standard output as bytes, for the wire format (text goes through picocli's writer). */
  private final PrintStream stdout;

  Chora(PrintStream stdout) {
    this.stdout = stdout;
  }

  public static void main(String[] args) {
    LogLines.install();
    LibraryLogs.quiet();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Chora(out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new Failures());
    cli.setParameterExceptionHandler(new UsageErrors());
    return cli.execute(args);
  }

  /** Where commands write bytes for scripts; flush the text writer first. */
  PrintStream stdout() {
    spec.commandLine().getOut().flush();
    return stdout;
  }

  @Override
  public void run() { // `chora` alone: say what it can do
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * How the user runs chora, for commands printed to copy: as the {@code chora} script was typed
   * (it passes {@code -Dchora.launcher=$0}), else {@code java -jar} and the jar, else {@code
   * chora}.
   */
  static String launcher() {
    String script = System.getProperty("chora.launcher", "");
    if (!script.isBlank()) {
      return script.contains(" ") ? "'" + script + "'" : script;
    }
    try {
      Path jar = Path.of(Chora.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path here = Path.of("").toAbsolutePath();
      return !jar.toString().endsWith(".jar")
          ? "chora"
          : "java -jar " + (jar.startsWith(here) ? here.relativize(jar) : jar);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return "chora";
    }
  }

  /** {@code args} after {@link #launcher()}: a command line for a hint to copy. */
  static String command(String args) {
    return launcher() + " " + args;
  }

  /** The version from the jar's manifest (the build's project version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Chora.class.getPackage().getImplementationVersion();
      return new String[] {"chora " + (version == null ? "(development build)" : version)};
    }
  }
}
