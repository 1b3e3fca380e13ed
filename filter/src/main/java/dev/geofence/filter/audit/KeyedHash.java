package dev.geofence.filter.audit;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed HMAC-SHA256 behind the pseudonyms of the audit trail: addresses under {@code
 * audit-ip-privacy: hmac} and principals under {@code principal-privacy: hmac} are hashed with the
 * same key and the same code, so one key file and one rule about its length serve both.
 *
 * <p>Immutable and thread-safe: a {@link Mac} is not thread-safe and creating one costs more than
 * using it, so each thread keeps its own.
 */
final class KeyedHash {

  /** Shortest accepted key: 128 bits, so the pseudonyms cannot be brute-forced by key. */
  static final int MIN_KEY_BYTES = 16;

  private final ThreadLocal<Mac> mac;

  private KeyedHash(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
    this.mac = ThreadLocal.withInitial(() -> newMac(spec));
  }

  /**
   * A hash under a copy of {@code key}.
   *
   * @throws IllegalArgumentException when the key is shorter than 16 bytes
   * @throws IllegalStateException when the JVM lacks HmacSHA256: now, not on the first request
   */
  static KeyedHash of(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the HMAC key is "
              + key.length
              + " bytes; expected at least "
              + MIN_KEY_BYTES
              + " random bytes");
    }
    KeyedHash hash = new KeyedHash(key.clone());
    hash.mac.get();
    return hash;
  }

  /** The hex HMAC-SHA256 of {@code bytes}. */
  String hex(byte[] bytes) {
    return HexFormat.of().formatHex(mac.get().doFinal(bytes));
  }

  private static Mac newMac(SecretKeySpec spec) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(spec);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
