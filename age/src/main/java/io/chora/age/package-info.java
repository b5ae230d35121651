/**
 * The age file format (age-encryption.org/v1) in pure Java: X25519 and scrypt recipients, streaming
 * encryption and decryption, ASCII armor, age-keygen's key files. Interoperable with the age tool
 * both ways; see docs/age.md.
 *
 * <p>Must not touch: the rest of chora. Only the JDK and BouncyCastle (for scrypt).
 */
package io.chora.age;
