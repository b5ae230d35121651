package io.chora.age;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Identity files as {@code age-keygen} writes them and {@code age -i} reads them: one secret key
 * per line, blank lines and {@code #} comments ignored.
 *
 * <pre>
 * # created: 2024-05-01T12:00:00+02:00
 * # public key: age1…
 * AGE-SECRET-KEY-1…
 * </pre>
 */
public final class IdentityFile {
  /** Same bound as age: a key file is small; anything bigger is a mistake. */
  private static final long MAX_SIZE = 16 * 1024 * 1024;

  private IdentityFile() {}

  /**
   * Reads every identity in the file.
   *
   * @throws AgeException if a line is not an X25519 secret key or there is none (messages give the
   *     line number, never the line, which may be a damaged secret)
   */
  public static List<X25519Identity> read(Path file) throws IOException {
    if (Files.size(file) > MAX_SIZE) {
      throw new AgeException(file + " is too big to be an identity file");
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses the contents of an identity file. */
  public static List<X25519Identity> parse(String contents) throws AgeException {
    return parse(contents, "identity file");
  }

  private static List<X25519Identity> parse(String contents, String source) throws AgeException {
    List<X25519Identity> identities = new ArrayList<>();
    String[] lines = contents.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      // Like Go's line scanner, which age uses: a CRLF line loses its CR.
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!line.startsWith("AGE-SECRET-KEY-1")) {
        throw new AgeException(
            source
                + ", line "
                + (i + 1)
                + ": not an X25519 secret key (AGE-SECRET-KEY-1…); other kinds are not supported");
      }
      try {
        identities.add(X25519Identity.parse(line));
      } catch (IllegalArgumentException e) {
        throw new AgeException(source + ", line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (identities.isEmpty()) {
      throw new AgeException(source + " contains no identity");
    }
    return identities;
  }

  /**
   * Writes a new identity file in {@code age-keygen}'s format, readable by its owner only (0600)
   * from the first byte on: the key goes to a temporary file created with those permissions in the
   * same directory, which is then linked to {@code file} in one step. So the file either does not
   * exist or is complete, and it is never readable by others, even for a moment.
   *
   * @throws FileAlreadyExistsException if {@code file} exists: like {@code age-keygen -o}, this
   *     never overwrites a key
   */
  public static void write(Path file, X25519Identity identity) throws IOException {
    OwnerOnlyFile.create(file, contents(identity));
  }

  static String contents(X25519Identity identity) {
    String created =
        OffsetDateTime.now()
            .truncatedTo(ChronoUnit.SECONDS)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    return "# created: "
        + created
        + "\n# public key: "
        + identity.recipient()
        + "\n"
        + identity
        + "\n";
  }
}
