package io.chora.sync;

/** A change set's bytes are not a well-formed change set of a known format version. */
public final class ChangeSetFormatException extends IllegalArgumentException {
  public ChangeSetFormatException(String message) {
    super(message);
  }

  public ChangeSetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
