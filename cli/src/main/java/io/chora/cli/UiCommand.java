package io.chora.cli;

import io.chora.ui.ConflictUi;
import io.chora.ui.UiOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "ui",
    description =
        "Open a local web page that shows what merges decided (conflicts, with restore and"
            + " dismiss) and the replica's state; runs until Ctrl-C.")
final class UiCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "interface to bind (default 127.0.0.1; any other needs a token)")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "PORT", description = "port (default: a free one)")
  int port;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "access token (default off loopback: a random one, printed in the URL)")
  String token;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Replicas.read(db).close(); // the same checks and errors as every command, before serving
    ConflictUi ui;
    try {
      UiOptions options = UiOptions.defaults().withHost(host).withPort(port);
      if (token != null) {
        options = options.withToken(token);
      } else if (!isLoopback(host)) {
        options = options.withToken(UiOptions.randomToken());
      }
      ui = ConflictUi.start("jdbc:chora:" + db.toAbsolutePath(), options);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    } catch (io.javalin.util.JavalinBindException e) { // Javalin's words named its own class
      throw new CliException(
          ExitCode.FAILED,
          "port " + port + " is in use",
          "choose another with --port, or leave it out for a free one");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  ui.close();
                  stopped.countDown();
                }));
    PrintWriter out = spec.commandLine().getOut();
    out.println("chora ui for " + db + " at " + ui.url());
    out.println("(Ctrl-C stops it)");
    out.flush();
    stopped.await();
    return ExitCode.OK;
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
