package io.chora.age;

import java.io.IOException;

/**
 * An age file could not be written or read: it is malformed, was modified or truncated, or none of
 * the given identities can open it. The message says which, in words meant for the person running
 * the program.
 *
 * <p>It is an {@link IOException} so that it travels through {@code InputStream.read} and {@code
 * OutputStream.write} like any other stream failure.
 */
public class AgeException extends IOException {
  private static final long serialVersionUID = 1L;

  public AgeException(String message) {
    super(message);
  }

  public AgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
