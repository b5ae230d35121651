package io.chora.jdbc.shared;

import io.chora.age.MembersFile;
import io.chora.age.SigningPublicKey;
import io.chora.age.X25519Recipient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A workspace's members ({@code chora.recipients}), read again whenever the file changes, so that a
 * removed member stops receiving from the next push on and its signatures stop being accepted from
 * the next set on. Without a file the members are this device's own keys (one shared key for the
 * whole workspace).
 */
public final class Members {
  private final Path file;
  private final List<MembersFile.Member> own;
  private FileTime readAt;
  private List<MembersFile.Member> members;
  private Set<SigningPublicKey> signers;

  private Members(Path file, List<MembersFile.Member> own) {
    this.file = file;
    this.own = own;
  }

  /** The members in {@code file}, or (null file) just {@code own}; a bad file fails here. */
  public static Members of(Path file, List<MembersFile.Member> own) throws SQLException {
    Members m = new Members(file, own);
    try {
      m.current(); // a bad members file fails the connection, not a later push
    } catch (IOException e) {
      throw new SQLException("chora.recipients: " + e.getMessage(), e);
    }
    return m;
  }

  /** The file, for messages; null when the members are this device's own keys. */
  public Path file() {
    return file;
  }

  public synchronized List<X25519Recipient> recipients() throws IOException {
    return current().stream().map(MembersFile.Member::recipient).toList();
  }

  /** The signing keys of the members that have one. */
  public synchronized Set<SigningPublicKey> signingKeys() throws IOException {
    current();
    return signers;
  }

  private List<MembersFile.Member> current() throws IOException {
    if (file == null) {
      if (members == null) {
        adopt(own);
      }
      return members;
    }
    FileTime modified = Files.getLastModifiedTime(file);
    if (!modified.equals(readAt)) {
      List<MembersFile.Member> read = MembersFile.read(file);
      if (read.isEmpty()) {
        throw new IOException(file + " names no member");
      }
      adopt(read);
      readAt = modified;
    }
    return members;
  }

  private void adopt(List<MembersFile.Member> list) {
    members = List.copyOf(list);
    signers =
        list.stream()
            .map(MembersFile.Member::signingKey)
            .filter(Objects::nonNull)
            .collect(Collectors.toUnmodifiableSet());
  }
}
