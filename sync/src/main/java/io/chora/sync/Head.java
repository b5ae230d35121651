package io.chora.sync;

/**
 * What a change set's sender holds of one site at the receiver's clock: the seq and the nonce of
 * that transaction ({@link Transaction#nonce}). A receiver whose own transaction under that dot has
 * another nonce holds a different history under the same site id: a fork, refused by name.
 */
public record Head(long seq, long nonce) {
  public Head {
    if (seq < 1) {
      throw new IllegalArgumentException("a head's seq starts at 1, got " + seq);
    }
  }
}
