package dev.geofence.filter.audit;

import dev.geofence.filter.address.IpAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;

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
  private final KeyedHash hash;

  private IpPrivacy(Mode mode, KeyedHash hash) {
    this.mode = mode;
    this.hash = hash;
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
    return new IpPrivacy(Mode.HMAC, KeyedHash.of(Objects.requireNonNull(key, "key")));
  }

  /**
   * Reads an HMAC key from a file, as the setting {@code audit-hmac-key-file} does: the key in hex
   * digits (32 bytes as 64 digits, for example), white space around it ignored. The one key serves
   * {@link #hmac} and {@link PrincipalPrivacy#hmac}. A message never shows the file's content.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds anything but
   *     hex digits
   */
  public static byte[] readKey(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the HMAC key file " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      // Never echo the file's content: it is a secret.
      throw new IllegalArgumentException(
          "the HMAC key file "
              + file
              + " does not hold hex digits; expected the key in hex, such as 32 bytes as 64 hex"
              + " digits.",
          e);
    }
  }

  Mode mode() {
    return mode;
  }

  /**
   * Whether addresses are written as keyed hashes ({@link #hmac}): then {@link #recorded} is a
   * pseudonym only the key's holder can link to an address.
   */
  public boolean hashes() {
    return mode == Mode.HMAC;
  }

  /**
   * The form of {@code address} this mode writes: the address, the truncated address, or 64 hex
   * digits under {@link #hmac}. Use it to find a known address's records in a trail.
   */
  public String recorded(InetAddress address) {
    return apply(Objects.requireNonNull(address, "address"));
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
        return hash.hex(bytes);
    }
  }

  @Override
  public String toString() {
    return "IpPrivacy[" + mode.label + "]";
  }
}
