package io.chora.sync;

/** What a captured row change did. */
public enum ChangeKind {
  INSERT,
  UPDATE,
  DELETE;

  /** The lower-case name used on the wire. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses a wire name; unknown names are rejected. */
  public static ChangeKind fromWire(String name) {
    for (ChangeKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown change kind: " + name);
  }
}
