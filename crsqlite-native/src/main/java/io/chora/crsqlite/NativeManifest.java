package io.chora.crsqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code io/chora/crsqlite/native/manifest.properties}: the cr-sqlite source version and, per
 * platform folder, the binary's path below {@code native/} and its sha256. {@code build/build.sh}
 * writes the hashes.
 */
final class NativeManifest {

  static final String RESOURCE_DIR = "io/chora/crsqlite/native/";
  static final String RESOURCE = RESOURCE_DIR + "manifest.properties";

  /** One platform's entry. */
  static final class Entry {
    final String resource;
    final String sha256;

    Entry(String resource, String sha256) {
      this.resource = resource;
      this.sha256 = sha256;
    }
  }

  private final Properties properties;

  private NativeManifest(Properties properties) {
    this.properties = properties;
  }

  /** The manifest inside this jar. */
  static NativeManifest bundled() {
    try (InputStream in = NativeManifest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the chora-crsqlite jar");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static NativeManifest read(InputStream in) throws IOException {
    Properties properties = new Properties();
    properties.load(in);
    return new NativeManifest(properties);
  }

  /** The cr-sqlite release the binaries were built from, e.g. {@code 0.16.3}. */
  String sourceVersion() {
    return properties.getProperty("source.version", "unknown");
  }

  /** The platform folders this manifest lists, e.g. {@code [Linux/x86_64]}. */
  List<String> platforms() {
    String list = properties.getProperty("platforms", "").trim();
    return list.isEmpty() ? List.of() : List.of(list.split("\\s*,\\s*"));
  }

  /** The entry for a platform folder, if the manifest lists one with a hash. */
  Optional<Entry> entry(String folder) {
    String file = properties.getProperty(folder + ".file", "").trim();
    String sha256 = properties.getProperty(folder + ".sha256", "").trim();
    if (file.isEmpty() || sha256.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Entry(RESOURCE_DIR + file, sha256));
  }
}
