package io.chora.crsqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentExtractionTest {

  private static final int THREADS = 8;
  private static final int JVMS = 2;

  private static final NativeManifest.Entry ENTRY =
      NativeManifest.bundled().entry(Platform.current().folder()).orElseThrow();

  @TempDir Path dir;

  @Test
  void eightThreadsAndTwoOtherJvmsExtractTheBinaryExactlyOnce() throws Exception {
    Path cache = dir.resolve("cache");
    Path go = dir.resolve("go");
    List<Process> jvms = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      Process jvm = startJvm(cache, go);
      BufferedReader out =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      jvms.add(jvm);
      outputs.add(out);
    }

    Extractor extractor = new Extractor(cache);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<Path>> results = new ArrayList<>();
    try {
      for (int i = 0; i < THREADS; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return extractor.extract(
                      getClass().getClassLoader(), ENTRY.resource, ENTRY.sha256, ".so");
                }));
      }
      Files.createFile(go); // the other JVMs and the threads start together
      start.countDown();

      Path expected = extractor.target(ENTRY.sha256, ".so");
      for (Future<Path> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
      }
      int writes = extractor.writes();
      for (int i = 0; i < JVMS; i++) {
        Process jvm = jvms.get(i);
        String line = outputs.get(i).readLine();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue())
            .as("second JVM failed: %s", new String(jvm.getErrorStream().readAllBytes()))
            .isZero();
        String[] parts = line.split(" ");
        assertThat(Path.of(parts[0])).isEqualTo(expected);
        writes += Integer.parseInt(parts[1]);
      }

      assertThat(writes).as("times the binary was written").isEqualTo(1);
      assertThat(Extractor.sha256Of(expected)).isEqualTo(ENTRY.sha256);
      try (Stream<Path> files = Files.list(cache)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(
                expected.getFileName().toString(), expected.getFileName() + ".lock");
      }
    } finally {
      pool.shutdownNow();
      jvms.forEach(Process::destroyForcibly);
    }
  }

  private static Process startJvm(Path cache, Path go) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            ExtractMain.class.getName(),
            cache.toString(),
            go.toString())
        .start();
  }
}
