package io.chora.age;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A workspace's members: a {@link RecipientsFile} (so {@code age -R} still reads it) in which each
 * member's signing key is a comment line right above its recipient, which age skips:
 *
 * <pre>
 * # chora workspace members: one age recipient a line, each after its signing key
 * # signing key: chorasign1…
 * age1…
 * </pre>
 *
 * A recipient without such a line (a file written before chora signed changes) is a member whose
 * changes no replica that checks signatures accepts.
 */
public final class MembersFile {
  static final String SIGNING_KEY = "# signing key:";

  /** One member: its age recipient, and its signing key or null. */
  public record Member(X25519Recipient recipient, SigningPublicKey signingKey) {}

  private MembersFile() {}

  /** Every member, in order; an error names the line that is wrong. */
  public static List<Member> read(Path file) throws IOException {
    List<Member> members = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    SigningPublicKey pending = null;
    int pendingLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      try {
        if (line.startsWith(SIGNING_KEY)) {
          if (pending != null) {
            throw new IllegalArgumentException("two signing keys for one recipient");
          }
          pending = SigningPublicKey.parse(line.substring(SIGNING_KEY.length()));
          pendingLine = i + 1;
        } else if (!line.isEmpty() && !line.startsWith("#")) {
          members.add(new Member(X25519Recipient.parse(line), pending));
          pending = null;
        }
      } catch (IllegalArgumentException e) {
        throw new AgeException(file + ", line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (pending != null) {
      throw new AgeException(
          file + ", line " + pendingLine + ": a signing key with no age recipient after it");
    }
    return members;
  }

  /** Replaces the file with these members, whole (a reader never sees half of it). */
  public static void write(Path file, List<Member> members) throws IOException {
    StringBuilder text =
        new StringBuilder(
            "# chora workspace members: one age recipient a line, each after its signing key\n");
    for (Member m : members) {
      if (m.signingKey() != null) {
        text.append(SIGNING_KEY).append(' ').append(m.signingKey()).append('\n');
      }
      text.append(m.recipient()).append('\n');
    }
    Path target = file.toAbsolutePath();
    Path temporary = Files.createTempFile(target.getParent(), ".members-", ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
