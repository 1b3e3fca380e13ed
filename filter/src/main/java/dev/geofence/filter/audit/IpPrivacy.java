package dev.geofence.filter.audit;

import dev.geofence.filter.address.IpAddresses;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How client and peer addresses are written to the audit trail.
 *
 * <ul>
 *   <li>{@link #full()}: the address as it is, for deployments where storing it is lawful and
 *       needed (abuse investigation, a legal duty to keep it).
 *   <li>{@link #truncated()}: IPv4 cut to its /24 and IPv6 to its /48 network, enough to show that
 *       the country decision was right without identifying a subscriber.
 *   <li>{@link #hmac(byte[])}: a keyed HMAC-SHA256 of the address bytes, hex encoded, so records of
 *       the same address can be correlated without the address being stored; whoever holds the key
 *       can test a guessed address, so keep the key out of the log pipeline.
 * </ul>
 *
 * <p>Immutable and thread-safe. The key is copied and never appears in {@link #toString()}.
 */
public final class IpPrivacy {

  /** Shortest accepted HMAC key: 128 bits, so the pseudonyms cannot be brute-forced by key. */
  static final int MIN_KEY_BYTES = 16;

  private static final IpPrivacy FULL = new IpPrivacy(Mode.FULL, null);
  private static final IpPrivacy TRUNCATED = new IpPrivacy(Mode.TRUNCATED, null);

  /** The written form of the mode, as it appears in {@code geofence.ip_privacy}. */
  enum Mode {
    FULL("full"),
    TRUNCATED("truncated"),
    HMAC("hmac-sha256");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  private final Mode mode;
  private final ThreadLocal<Mac> mac;

  private IpPrivacy(Mode mode, byte[] key) {
    this.mode = mode;
    if (key == null) {
      this.mac = null;
    } else {
      // Mac is not thread-safe and creating one costs more than using it: one per thread.
      SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
      this.mac = ThreadLocal.withInitial(() -> newMac(spec));
    }
  }

  /** Writes addresses as they are. */
  public static IpPrivacy full() {
    return FULL;
  }

  /** Writes the /24 network of an IPv4 address and the /48 network of an IPv6 address. */
  public static IpPrivacy truncated() {
    return TRUNCATED;
  }

  /**
   * Writes the hex HMAC-SHA256 of the address bytes under the given key instead of the address.
   *
   * @param key at least 16 bytes, for example {@code HexFormat.of().parseHex(secretFromVault)}
   * @throws IllegalArgumentException when the key is shorter than 16 bytes
   */
  public static IpPrivacy hmac(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the HMAC key is "
              + key.length
              + " bytes; expected at least "
              + MIN_KEY_BYTES
              + " random bytes");
    }
    IpPrivacy privacy = new IpPrivacy(Mode.HMAC, key.clone());
    privacy.mac.get(); // fail now, not on the first request, if the JDK lacks HmacSHA256
    return privacy;
  }

  Mode mode() {
    return mode;
  }

  /** Whether {@link #apply} returns an address (full, truncated) rather than a pseudonym. */
  boolean writesAddress() {
    return mode != Mode.HMAC;
  }

  /** Returns the written form of the address under this mode. */
  String apply(InetAddress address) {
    byte[] bytes = address.getAddress();
    switch (mode) {
      case FULL:
        return IpAddresses.format(bytes);
      case TRUNCATED:
        int keep = bytes.length == 4 ? 3 : 6;
        for (int i = keep; i < bytes.length; i++) {
          bytes[i] = 0;
        }
        return IpAddresses.format(bytes);
      default:
        return HexFormat.of().formatHex(mac.get().doFinal(bytes));
    }
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

  @Override
  public String toString() {
    return "IpPrivacy[" + mode.label + "]";
  }
}
