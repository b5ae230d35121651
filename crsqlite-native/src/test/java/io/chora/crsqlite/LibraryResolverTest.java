package io.chora.crsqlite;

import static io.chora.crsqlite.Databases.execute;
import static io.chora.crsqlite.Databases.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryResolverTest {

  @TempDir Path dir;

  private LibraryResolver resolver(Platform platform, String override, List<Path> caches) {
    return new LibraryResolver(
        NativeManifest.bundled(), platform, override, caches, getClass().getClassLoader());
  }

  /** A copy of the bundled binary at a path of the test's choosing. */
  private Path ownBinary() throws Exception {
    Path extracted = resolver(Platform.current(), null, List.of(dir.resolve("cache"))).resolve();
    Path own = dir.resolve("elsewhere/my-crsqlite.so");
    Files.createDirectories(own.getParent());
    return Files.copy(extracted, own);
  }

  @Test
  void aMissingPlatformFailsListingWhatWasTriedAndHowToSupplyABinary() {
    Platform riscv = Platform.of("Linux", "riscv64", false, "");

    assertThatThrownBy(() -> resolver(riscv, null, List.of(dir)).resolve())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("cr-sqlite 0.16.3 could not be loaded on Linux/riscv64")
        .hasMessageContaining("system property chora.crsqlite.path: not set")
        .hasMessageContaining("a bundled binary for Linux/riscv64: chora-crsqlite has none")
        .hasMessageContaining("it bundles Linux/aarch64, Linux/x86_64, Windows/x86_64")
        .hasMessageContaining("-Dchora.crsqlite.path=/path/to/libcrsqlite.so")
        .hasMessageContaining("CrSqlite.load(connection, path)")
        .hasMessageContaining("build.sh");
  }

  @Test
  void picksEachPlatformsOwnBinary() throws SQLException, IOException {
    NativeManifest manifest = NativeManifest.bundled();
    for (String folder : manifest.platforms()) {
      String[] osArch = folder.split("/");
      Platform platform = new Platform(osArch[0], osArch[1]);

      Path resolved = resolver(platform, null, List.of(dir.resolve(osArch[0]))).resolve();

      String sha256 = manifest.entry(folder).orElseThrow().sha256;
      assertThat(resolved.getFileName().toString())
          .isEqualTo("crsqlite-" + sha256 + platform.librarySuffix());
      assertThat(Extractor.sha256Of(resolved)).isEqualTo(sha256);
    }
  }

  @Test
  void anUnusableCacheDirectoryIsReportedAndTheNextOneUsed() throws IOException, SQLException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    Path good = dir.resolve("good");

    Path resolved = resolver(Platform.current(), null, List.of(notADirectory, good)).resolve();
    assertThat(resolved).startsWith(good);

    assertThatThrownBy(() -> resolver(Platform.current(), null, List.of(notADirectory)).resolve())
        .hasMessageContaining("extracting io/chora/crsqlite/native/Linux/x86_64/libcrsqlite.so")
        .hasMessageContaining(notADirectory.toString())
        .hasMessageContaining("-Dchora.crsqlite.cacheDir");
  }

  @Test
  void theOverrideWinsEvenOnAPlatformWithoutABundledBinary() throws Exception {
    Path own = ownBinary();
    Platform riscv = Platform.of("Linux", "riscv64", false, "");

    assertThat(resolver(riscv, own.toString(), List.of()).resolve()).isEqualTo(own);
  }

  @Test
  void anOverrideNamingNoFileFailsInsteadOfFallingBack() {
    Path missing = dir.resolve("missing.so");

    assertThatThrownBy(
            () -> resolver(Platform.current(), missing.toString(), List.of(dir)).resolve())
        .hasMessageContaining("system property chora.crsqlite.path=" + missing + ": no such file");
  }

  @Test
  void theSystemPropertyMakesLoadUseThatFile() throws Exception {
    Path own = ownBinary();
    System.setProperty(CrSqlite.PATH_PROPERTY, own.toString());
    try (Connection c = Databases.open(dir.resolve("p.db"))) {
      assertThat(CrSqlite.libraryPath()).isEqualTo(own);
      CrSqlite.load(c);
      execute(c, "CREATE TABLE t (id INTEGER PRIMARY KEY NOT NULL, v TEXT)");
      assertThat(text(c, "SELECT crsql_as_crr('t')")).isEqualTo("OK");
      Databases.finalizeAndClose(c);
    } finally {
      System.clearProperty(CrSqlite.PATH_PROPERTY);
    }
  }

  @Test
  void loadWithAPathUsesThatFile() throws Exception {
    Path own = ownBinary();
    try (Connection c = Databases.open(dir.resolve("q.db"))) {
      CrSqlite.load(c, own);
      assertThat(text(c, "SELECT hex(crsql_site_id())")).hasSize(32);
      Databases.finalizeAndClose(c);
    }
    try (Connection c = Databases.open(dir.resolve("r.db"))) {
      assertThatThrownBy(() -> CrSqlite.load(c, dir.resolve("nope.so")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("nope.so does not exist");
    }
  }

  @Test
  void aFileThatIsNoExtensionFailsWithSqlitesReason() throws Exception {
    Path bogus = Files.writeString(dir.resolve("bogus.so"), "not an ELF file");
    try (Connection c = Databases.open(dir.resolve("s.db"))) {
      assertThatThrownBy(() -> CrSqlite.load(c, bogus))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("SQLite could not load cr-sqlite from " + bogus);
    }
  }
}
