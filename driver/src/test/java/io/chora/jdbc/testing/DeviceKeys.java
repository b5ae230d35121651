package io.chora.jdbc.testing;

import io.chora.age.IdentityFile;
import io.chora.age.MembersFile;
import io.chora.age.SigningKey;
import io.chora.age.X25519Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a device's keys made as {@code chora keygen} makes them ({@code NAME.key} and {@code
 * NAME.key.sign} in a folder), listed in a members file. Shared with {@code tests/} through the
 * driver's test-jar.
 */
public final class DeviceKeys {
  private DeviceKeys() {}

  /** Writes {@code name}'s age identity and signing key in {@code dir}, adds both to members. */
  public static Path member(Path dir, Path members, String name) throws IOException {
    Path key = dir.resolve(name + ".key");
    X25519Identity identity = X25519Identity.generate();
    IdentityFile.write(key, identity);
    SigningKey signing = SigningKey.generate();
    SigningKey.write(Path.of(key + ".sign"), signing);
    List<MembersFile.Member> all =
        Files.exists(members) ? new ArrayList<>(MembersFile.read(members)) : new ArrayList<>();
    all.add(new MembersFile.Member(identity.recipient(), signing.publicKey()));
    MembersFile.write(members, all);
    return key;
  }
}
