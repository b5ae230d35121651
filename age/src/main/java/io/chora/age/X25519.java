package io.chora.age;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/** The X25519 function of RFC 7748 on raw 32-byte strings, built on the JDK's XDH provider. */
final class X25519 {
  static final int KEY_LENGTH = 32;
  private static final byte[] BASE_POINT = basePoint();

  private X25519() {}

  /** X25519(scalar, 9): the public key of a secret scalar. */
  static byte[] publicKey(byte[] scalar) {
    try {
      return multiply(scalar, BASE_POINT);
    } catch (InvalidKeyException impossible) {
      throw new IllegalStateException("the base point has full order", impossible);
    }
  }

  /**
   * X25519(scalar, point).
   *
   * @throws InvalidKeyException if the result is all zeros (a low-order point), which age must
   *     refuse
   */
  static byte[] multiply(byte[] scalar, byte[] point) throws InvalidKeyException {
    try {
      KeyFactory keys = KeyFactory.getInstance("XDH");
      // The JDK clamps the scalar itself, as RFC 7748 prescribes.
      PrivateKey privateKey =
          keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
      PublicKey publicKey =
          keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, toU(point)));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(privateKey);
      agreement.doPhase(publicKey, true);
      // Throws InvalidKeyException ("Point has small order") on an all-zero result.
      return agreement.generateSecret();
    } catch (InvalidKeyException lowOrder) {
      throw lowOrder;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("X25519 is missing from this JDK", e);
    }
  }

  /** RFC 7748 section 5: little-endian, with the most significant bit of the last byte masked. */
  private static BigInteger toU(byte[] point) {
    if (point.length != KEY_LENGTH) {
      throw new IllegalArgumentException("an X25519 point is 32 bytes");
    }
    byte[] bigEndian = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      bigEndian[i] = point[KEY_LENGTH - 1 - i];
    }
    bigEndian[0] &= 0x7f;
    return new BigInteger(1, bigEndian);
  }

  private static byte[] basePoint() {
    byte[] nine = new byte[KEY_LENGTH];
    nine[0] = 9;
    return nine;
  }
}
