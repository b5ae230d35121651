package io.chora.crsqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractorTest {

  private static final NativeManifest.Entry LINUX_X86_64 =
      NativeManifest.bundled().entry("Linux/x86_64").orElseThrow();

  @TempDir Path dir;

  private final ClassLoader loader = getClass().getClassLoader();

  private Path extract(Extractor extractor) throws IOException {
    return extractor.extract(loader, LINUX_X86_64.resource, LINUX_X86_64.sha256, ".so");
  }

  @Test
  void extractsOnceIntoAPrivateDirectoryUnderItsContentHash() throws IOException {
    Path cache = dir.resolve("nested/cache");
    Extractor extractor = new Extractor(cache);

    Path first = extract(extractor);
    Path second = extract(extractor);

    assertThat(first).isEqualTo(second);
    assertThat(first.getFileName().toString()).isEqualTo("crsqlite-" + LINUX_X86_64.sha256 + ".so");
    assertThat(Extractor.sha256Of(first)).isEqualTo(LINUX_X86_64.sha256);
    assertThat(extractor.writes()).isEqualTo(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
        .isEqualTo("rwx------");
    assertThat(leftovers(cache)).isEmpty();
  }

  @Test
  void replacesACorruptedExtractedFile() throws IOException {
    Extractor extractor = new Extractor(dir);
    Path extracted = extract(extractor);
    long size = Files.size(extracted);
    extracted.toFile().setWritable(true, true);
    byte[] bytes = Files.readAllBytes(extracted);
    bytes[bytes.length / 2] ^= 0x5a; // one flipped byte, same size
    Files.write(extracted, bytes);
    assertThat(Extractor.isIntact(extracted, LINUX_X86_64.sha256)).isFalse();

    Path again = extract(extractor);

    assertThat(again).isEqualTo(extracted);
    assertThat(Files.size(again)).isEqualTo(size);
    assertThat(Extractor.sha256Of(again)).isEqualTo(LINUX_X86_64.sha256);
    assertThat(extractor.writes()).isEqualTo(2);
  }

  @Test
  void replacesATruncatedExtractedFile() throws IOException {
    Extractor extractor = new Extractor(dir);
    Path extracted = extract(extractor);
    extracted.toFile().setWritable(true, true);
    Files.write(extracted, new byte[0]);

    assertThat(Extractor.sha256Of(extract(extractor))).isEqualTo(LINUX_X86_64.sha256);
  }

  @Test
  void refusesABundledBinaryWhoseBytesDoNotMatchTheManifest() {
    Extractor extractor = new Extractor(dir);
    String wrong = "0".repeat(64);

    assertThatThrownBy(() -> extractor.extract(loader, LINUX_X86_64.resource, wrong, ".so"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(LINUX_X86_64.sha256)
        .hasMessageContaining("damaged jar");
    assertThat(Files.exists(extractor.target(wrong, ".so"))).isFalse();
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void theCacheDirectoryPropertyReplacesTheDefaultDirectories() {
    System.setProperty(CrSqlite.CACHE_DIR_PROPERTY, dir.toString());
    try {
      assertThat(Extractor.defaultDirectories()).containsExactly(dir);
    } finally {
      System.clearProperty(CrSqlite.CACHE_DIR_PROPERTY);
    }
    assertThat(Extractor.defaultDirectories())
        .last()
        .satisfies(p -> assertThat(p.toString()).startsWith(System.getProperty("java.io.tmpdir")));
  }

  private static String[] leftovers(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".tmp"))
          .toArray(String[]::new);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
