package io.chora.crsqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system and processor a native binary is built for, named like sqlite-jdbc names its
 * folders ({@code org/sqlite/native/<os>/<arch>}): {@code Linux/x86_64}, {@code
 * Linux-Musl/aarch64}, {@code Mac/aarch64}, {@code Windows/x86_64}.
 */
final class Platform {

  private static final Map<String, String> ARCH =
      Map.ofEntries(
          Map.entry("x86", "x86"),
          Map.entry("i386", "x86"),
          Map.entry("i486", "x86"),
          Map.entry("i586", "x86"),
          Map.entry("i686", "x86"),
          Map.entry("pentium", "x86"),
          Map.entry("x86_64", "x86_64"),
          Map.entry("amd64", "x86_64"),
          Map.entry("em64t", "x86_64"),
          Map.entry("universal", "x86_64"),
          Map.entry("aarch64", "aarch64"),
          Map.entry("arm64", "aarch64"),
          Map.entry("ppc", "ppc"),
          Map.entry("powerpc", "ppc"),
          Map.entry("ppc64", "ppc64"),
          Map.entry("ppc64le", "ppc64"),
          Map.entry("powerpc64", "ppc64"),
          Map.entry("riscv64", "riscv64"));

  private final String os;
  private final String arch;

  Platform(String os, String arch) {
    this.os = os;
    this.arch = arch;
  }

  /** The platform this JVM runs on. */
  static Platform current() {
    return of(
        System.getProperty("os.name", ""),
        System.getProperty("os.arch", ""),
        isMusl(),
        System.getProperty("sun.arch.abi", ""));
  }

  /**
   * Maps Java's {@code os.name}/{@code os.arch} to folder names; {@code musl} tells a Linux whose C
   * library is musl (Alpine), {@code armAbi} is {@code sun.arch.abi} (gnueabihf on hard-float arm).
   */
  static Platform of(String osName, String osArch, boolean musl, String armAbi) {
    String os;
    if (osName.startsWith("Windows")) {
      os = "Windows";
    } else if (osName.startsWith("Mac") || osName.startsWith("Darwin")) {
      os = "Mac";
    } else if (osName.startsWith("Linux")) {
      os = musl ? "Linux-Musl" : "Linux";
    } else if (osName.startsWith("FreeBSD")) {
      os = "FreeBSD";
    } else {
      os = osName.replaceAll("\\W", "");
    }
    String lower = osArch.toLowerCase(Locale.ROOT);
    String arch = ARCH.get(lower);
    if (arch == null && lower.startsWith("arm")) {
      arch = armAbi.startsWith("gnueabihf") ? "armv7" : "arm";
    }
    if (arch == null) {
      arch = lower.replaceAll("\\W", "");
    }
    return new Platform(os, arch);
  }

  /** The folder name, {@code <os>/<arch>}. */
  String folder() {
    return os + "/" + arch;
  }

  /** The file name a loadable extension has on this platform. */
  String libraryFileName() {
    switch (os) {
      case "Windows":
        return "crsqlite.dll";
      case "Mac":
        return "libcrsqlite.dylib";
      default:
        return "libcrsqlite.so";
    }
  }

  /** The file suffix for extracted copies, {@code .so}, {@code .dylib} or {@code .dll}. */
  String librarySuffix() {
    String name = libraryFileName();
    return name.substring(name.lastIndexOf('.'));
  }

  private static boolean isMusl() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return false;
    }
    try (var entries = Files.list(Path.of("/lib"))) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"));
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Platform
        && ((Platform) o).os.equals(os)
        && ((Platform) o).arch.equals(arch);
  }

  @Override
  public int hashCode() {
    return folder().hashCode();
  }

  @Override
  public String toString() {
    return folder();
  }
}
