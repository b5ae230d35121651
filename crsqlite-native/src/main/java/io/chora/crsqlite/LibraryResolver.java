package io.chora.crsqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the cr-sqlite binary to load: the override path if one is given, else this platform's
 * bundled binary extracted to the first usable cache directory. A failure names every place it
 * looked and how to supply a binary.
 */
final class LibraryResolver {

  private final NativeManifest manifest;
  private final Platform platform;
  private final String overridePath;
  private final List<Path> cacheDirectories;
  private final ClassLoader loader;

  LibraryResolver(
      NativeManifest manifest,
      Platform platform,
      String overridePath,
      List<Path> cacheDirectories,
      ClassLoader loader) {
    this.manifest = manifest;
    this.platform = platform;
    this.overridePath = overridePath;
    this.cacheDirectories = List.copyOf(cacheDirectories);
    this.loader = loader;
  }

  /** The resolver for this JVM: its platform, system properties and the bundled manifest. */
  static LibraryResolver forThisJvm() {
    return new LibraryResolver(
        NativeManifest.bundled(),
        Platform.current(),
        System.getProperty(CrSqlite.PATH_PROPERTY),
        Extractor.defaultDirectories(),
        LibraryResolver.class.getClassLoader());
  }

  Path resolve() throws SQLException {
    List<String> tried = new ArrayList<>();
    if (overridePath != null && !overridePath.isBlank()) {
      Path path = Path.of(overridePath).toAbsolutePath();
      if (Files.isRegularFile(path) && Files.isReadable(path)) {
        return path;
      }
      tried.add(
          "system property "
              + CrSqlite.PATH_PROPERTY
              + "="
              + overridePath
              + ": "
              + (Files.exists(path) ? "not a readable file" : "no such file"));
      throw failure(tried);
    }
    tried.add("system property " + CrSqlite.PATH_PROPERTY + ": not set");

    Optional<NativeManifest.Entry> entry = manifest.entry(platform.folder());
    if (entry.isEmpty()) {
      tried.add(
          "a bundled binary for "
              + platform
              + ": chora-crsqlite has none (it bundles "
              + String.join(", ", manifest.platforms())
              + ")");
      throw failure(tried);
    }
    String resource = entry.get().resource;
    if (loader.getResource(resource) == null) {
      tried.add("bundled binary " + resource + ": listed in the manifest but not in the jar");
      throw failure(tried);
    }
    for (Path directory : cacheDirectories) {
      try {
        return new Extractor(directory)
            .extract(loader, resource, entry.get().sha256, platform.librarySuffix());
      } catch (IOException | RuntimeException e) {
        tried.add("extracting " + resource + " to " + directory + ": " + e);
      }
    }
    throw failure(tried);
  }

  private SQLException failure(List<String> tried) {
    StringBuilder message =
        new StringBuilder("cr-sqlite ")
            .append(manifest.sourceVersion())
            .append(" could not be loaded on ")
            .append(platform)
            .append(". Tried:");
    for (String attempt : tried) {
      message.append("\n  - ").append(attempt);
    }
    message
        .append("\nTo supply a binary, build the cr-sqlite ")
        .append(manifest.sourceVersion())
        .append(" loadable extension for this platform (crsqlite-native/build/build.sh in the")
        .append(" chora sources shows how), then start the JVM with -D")
        .append(CrSqlite.PATH_PROPERTY)
        .append("=/path/to/")
        .append(platform.libraryFileName())
        .append(" or call CrSqlite.load(connection, path). If extraction failed, point -D")
        .append(CrSqlite.CACHE_DIR_PROPERTY)
        .append(" at a private, writable directory (not mounted noexec).");
    return new SQLException(message.toString());
  }
}
