package io.chora.crsqlite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sqlite.util.OSInfo;

class PlatformTest {

  @Test
  void namesThisMachineLikeSqliteJdbcNamesItsNativeFolder() {
    assertThat(Platform.current().folder()).isEqualTo(OSInfo.getNativeLibFolderPathForCurrentOS());
  }

  @Test
  void mapsJavaOsAndArchNamesToFolders() {
    assertThat(Platform.of("Linux", "amd64", false, "").folder()).isEqualTo("Linux/x86_64");
    assertThat(Platform.of("Linux", "aarch64", false, "").folder()).isEqualTo("Linux/aarch64");
    assertThat(Platform.of("Linux", "amd64", true, "").folder()).isEqualTo("Linux-Musl/x86_64");
    assertThat(Platform.of("Linux", "arm", false, "gnueabihf").folder()).isEqualTo("Linux/armv7");
    assertThat(Platform.of("Linux", "arm", false, "").folder()).isEqualTo("Linux/arm");
    assertThat(Platform.of("Linux", "riscv64", false, "").folder()).isEqualTo("Linux/riscv64");
    assertThat(Platform.of("Mac OS X", "aarch64", false, "").folder()).isEqualTo("Mac/aarch64");
    assertThat(Platform.of("Mac OS X", "x86_64", false, "").folder()).isEqualTo("Mac/x86_64");
    assertThat(Platform.of("Windows 11", "amd64", false, "").folder()).isEqualTo("Windows/x86_64");
    assertThat(Platform.of("Windows 10", "x86", false, "").folder()).isEqualTo("Windows/x86");
    assertThat(Platform.of("FreeBSD", "amd64", false, "").folder()).isEqualTo("FreeBSD/x86_64");
  }

  @Test
  void usesEachSystemsLibraryFileName() {
    assertThat(Platform.of("Linux", "amd64", false, "").libraryFileName())
        .isEqualTo("libcrsqlite.so");
    assertThat(Platform.of("Mac OS X", "aarch64", false, "").libraryFileName())
        .isEqualTo("libcrsqlite.dylib");
    assertThat(Platform.of("Windows 11", "amd64", false, "").libraryFileName())
        .isEqualTo("crsqlite.dll");
    assertThat(Platform.of("Windows 11", "amd64", false, "").librarySuffix()).isEqualTo(".dll");
  }
}
