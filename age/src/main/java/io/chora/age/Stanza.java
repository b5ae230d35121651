package io.chora.age;

import java.util.List;

/**
 * One recipient stanza of an age header: a type ({@code X25519}, {@code scrypt}, …), its arguments
 * and a binary body, usually the file key encrypted for one recipient. Only needed to write a
 * custom {@link Recipient} or {@link Identity}.
 */
public final class Stanza {
  private final String type;
  private final List<String> args;
  private final byte[] body;

  /**
   * @throws IllegalArgumentException if the type or an argument is empty or contains anything but
   *     printable ASCII, since the header line could not carry it
   */
  public Stanza(String type, List<String> args, byte[] body) {
    requireArgument(type);
    args.forEach(Stanza::requireArgument);
    this.type = type;
    this.args = List.copyOf(args);
    this.body = body.clone();
  }

  public String type() {
    return type;
  }

  /** The arguments after the type. */
  public List<String> args() {
    return args;
  }

  public byte[] body() {
    return body.clone();
  }

  int bodyLength() {
    return body.length;
  }

  static boolean isArgument(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= 33 && c <= 126);
  }

  private static void requireArgument(String s) {
    if (!isArgument(s)) {
      throw new IllegalArgumentException("stanza argument must be printable ASCII: '" + s + "'");
    }
  }

  @Override
  public String toString() {
    return "-> " + type + (args.isEmpty() ? "" : " " + String.join(" ", args));
  }
}
