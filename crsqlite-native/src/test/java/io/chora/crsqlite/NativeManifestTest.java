package io.chora.crsqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NativeManifestTest {

  private final NativeManifest manifest = NativeManifest.bundled();

  @Test
  void namesTheSourceReleaseAndThePlatformsWithBinaries() {
    assertThat(manifest.sourceVersion()).isEqualTo("0.16.3");
    assertThat(manifest.platforms())
        .containsExactly("Linux/aarch64", "Linux/x86_64", "Windows/x86_64");
    assertThat(manifest.entry("Windows/x86_64").orElseThrow().resource)
        .isEqualTo("io/chora/crsqlite/native/Windows/x86_64/crsqlite.dll");
    assertThat(manifest.entry("Linux/riscv64")).isEmpty();
  }

  @Test
  void everyBundledBinaryIsInTheJarWithTheListedSha256() throws Exception {
    for (String platform : manifest.platforms()) {
      NativeManifest.Entry entry = manifest.entry(platform).orElseThrow();
      assertThat(entry.sha256).as(platform).matches("[0-9a-f]{64}");
      assertThat(sha256OfResource(entry.resource)).as(platform).isEqualTo(entry.sha256);
    }
  }

  private String sha256OfResource(String resource) throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
      digesting.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
