package io.chora.age;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipients file as {@code age -R} reads it: one {@code age1…} public key per line, {@code #}
 * comments and blank lines ignored. A workspace's members are such a file.
 */
public final class RecipientsFile {
  private RecipientsFile() {}

  /** Every recipient in the file, in order; an error names the line that is not one. */
  public static List<X25519Recipient> read(Path file) throws IOException {
    List<X25519Recipient> recipients = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        recipients.add(X25519Recipient.parse(line));
      } catch (IllegalArgumentException e) {
        throw new AgeException(file + ", line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return recipients;
  }

  /** Replaces the file with these recipients, whole (a reader never sees half of it). */
  public static void write(Path file, List<X25519Recipient> recipients) throws IOException {
    MembersFile.write(file, recipients.stream().map(r -> new MembersFile.Member(r, null)).toList());
  }
}
