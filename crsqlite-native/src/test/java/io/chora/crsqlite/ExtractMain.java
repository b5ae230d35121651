package io.chora.crsqlite;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second JVM for {@link ConcurrentExtractionTest}: prints {@code ready}, waits until the file
 * {@code args[1]} exists, extracts this platform's bundled binary into {@code args[0]}, and prints
 * the extracted path and how many times it wrote the file.
 */
public final class ExtractMain {

  private ExtractMain() {}

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path go = Path.of(args[1]);
    NativeManifest.Entry entry =
        NativeManifest.bundled().entry(Platform.current().folder()).orElseThrow();
    Extractor extractor = new Extractor(cache);
    System.out.println("ready");
    System.out.flush();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(go)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no go signal at " + go);
      }
      Thread.onSpinWait();
    }
    Path path =
        extractor.extract(ExtractMain.class.getClassLoader(), entry.resource, entry.sha256, ".so");
    System.out.println(path + " " + extractor.writes());
  }
}
