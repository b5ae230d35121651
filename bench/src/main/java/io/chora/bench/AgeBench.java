package io.chora.bench;

import io.chora.age.Age;
import io.chora.age.IdentityFile;
import io.chora.age.X25519Identity;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Encrypts and decrypts one file with chora's age implementation and with the {@code age} tool,
 * file to file, and prints plaintext MB/s side by side: {@code java -cp bench/target/benchmarks.jar
 * io.chora.bench.AgeBench [MiB]} (default 256; needs {@code age} on the PATH). Each figure is the
 * best of three runs; every decryption is checked against the original's SHA-256.
 */
public final class AgeBench {
  private static final int RUNS = 3;

  private AgeBench() {}

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
    Path dir = Files.createTempDirectory("chora-age-bench");
    try {
      X25519Identity identity = X25519Identity.generate();
      Path key = dir.resolve("key.txt");
      IdentityFile.write(key, identity);
      String recipient = identity.recipient().toString();
      Path plain = dir.resolve("plain.bin");
      String digest = generate(plain, size);
      Path encrypted = dir.resolve("file.age");
      Path decrypted = dir.resolve("decrypted.bin");
      warmUp(dir, identity);

      System.out.printf(
          "age, %d MiB file to file, best of %d, MB/s of plaintext (%s, %d cores)%n",
          size >> 20, RUNS, Runtime.version(), Runtime.getRuntime().availableProcessors());
      System.out.printf("%-22s %10s %10s%n", "", "encrypt", "decrypt");
      for (boolean armor : new boolean[] {false, true}) {
        double choraEncrypt = best(() -> choraEncrypt(plain, encrypted, armor, identity));
        double choraDecrypt = best(() -> choraDecrypt(encrypted, decrypted, identity));
        check(decrypted, digest, "chora");
        List<String> ageEncrypt =
            new ArrayList<>(List.of("age", "-r", recipient, "-o", encrypted.toString()));
        if (armor) {
          ageEncrypt.add("-a");
        }
        ageEncrypt.add(plain.toString());
        double cliEncrypt = best(() -> run(ageEncrypt));
        double cliDecrypt =
            best(
                () ->
                    run(
                        List.of(
                            "age",
                            "-d",
                            "-i",
                            key.toString(),
                            "-o",
                            decrypted.toString(),
                            encrypted.toString())));
        check(decrypted, digest, "age");
        // Cross-check: chora opens what age wrote.
        choraDecrypt(encrypted, decrypted, identity);
        check(decrypted, digest, "chora on age's file");
        String kind = armor ? " (armored)" : "";
        print("chora" + kind, size, choraEncrypt, choraDecrypt);
        print("age CLI" + kind, size, cliEncrypt, cliDecrypt);
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toArray(Path[]::new)) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  private static void choraEncrypt(Path from, Path to, boolean armor, X25519Identity identity)
      throws IOException {
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = Age.encrypt(Files.newOutputStream(to), armor, identity.recipient())) {
      in.transferTo(out);
    }
  }

  private static void choraDecrypt(Path from, Path to, X25519Identity identity) throws IOException {
    try (InputStream in = Age.decrypt(Files.newInputStream(from), identity);
        OutputStream out = Files.newOutputStream(to)) {
      in.transferTo(out);
    }
  }

  /** JIT warm-up on 32 MiB, so the first measured run is not also the compiler's. */
  private static void warmUp(Path dir, X25519Identity identity) throws Exception {
    Path plain = dir.resolve("warm.bin");
    generate(plain, 32 << 20);
    for (boolean armor : new boolean[] {false, true}) {
      choraEncrypt(plain, dir.resolve("warm.age"), armor, identity);
      choraDecrypt(dir.resolve("warm.age"), dir.resolve("warm.out"), identity);
    }
  }

  private static double best(Step step) throws Exception {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      step.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return best / 1e9;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  private static void print(String name, long size, double encryptSeconds, double decryptSeconds) {
    System.out.printf(
        "%-22s %10.0f %10.0f%n", name, size / 1e6 / encryptSeconds, size / 1e6 / decryptSeconds);
  }

  /** Writes {@code size} pseudo-random bytes (xorshift64, fast and incompressible). */
  private static String generate(Path file, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteBuffer block = ByteBuffer.allocate(1 << 20);
    long state = 0x9E3779B97F4A7C15L;
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long remaining = size; remaining > 0; remaining -= block.capacity()) {
        block.clear();
        while (block.hasRemaining()) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
          block.putLong(state);
        }
        int n = (int) Math.min(block.capacity(), remaining);
        out.write(block.array(), 0, n);
        digest.update(block.array(), 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void check(Path file, String expectedDigest, String who) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in =
        new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(expectedDigest)) {
      throw new IllegalStateException(who + " decrypted something else: " + actual);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
