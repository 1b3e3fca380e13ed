package dev.geofence.filter.address;

import dev.geofence.filter.internal.Printable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * IP address literals: parsing without any DNS look-up, and canonical text.
 *
 * <p>{@link InetAddress#getByName(String)} resolves anything that is not a literal, so a header
 * value such as {@code example.com} would send a DNS query from the request thread. This class
 * parses the text itself and builds the result with {@link InetAddress#getByAddress(byte[])}, which
 * never looks anything up. Do not call {@link InetAddress#getHostName()} on the results either:
 * that is a reverse look-up.
 *
 * <p>Accepted forms (surrounding spaces and tabs are ignored):
 *
 * <ul>
 *   <li>IPv4 dotted quad, strictly: four decimal parts 0-255 without leading zeros. {@code
 *       010.0.0.1} is rejected, because C's {@code inet_aton} reads it as octal and other parsers
 *       as decimal; {@code 127.1}, {@code 0x7f.0.0.1} and {@code 2130706433} are rejected too.
 *   <li>IPv6 in every RFC 4291 form ({@code 2001:db8::1}, {@code ::}, {@code ::ffff:1.2.3.4},
 *       {@code 1:2:3:4:5:6:7:8}); a zone id ({@code fe80::1%eth0}) is dropped.
 *   <li>A port: {@code 1.2.3.4:5678}, {@code [2001:db8::1]:443}; and brackets alone: {@code [::1]}.
 *       The port is dropped.
 * </ul>
 *
 * An IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) comes back as the {@link Inet4Address}
 * {@code 1.2.3.4}, as {@code getByAddress} does for it. Host names are never accepted.
 *
 * <p>Thread-safe and stateless.
 */
public final class IpAddresses {

  private IpAddresses() {}

  /**
   * Parses an IP address literal, never resolving a name.
   *
   * @param text the literal, not null
   * @return the address, or empty if {@code text} is not an address literal in an accepted form
   */
  public static Optional<InetAddress> tryParse(CharSequence text) {
    Objects.requireNonNull(text, "text");
    AddressParser parser = new AddressParser();
    int from = skipSpaceForward(text, 0, text.length());
    int to = skipSpaceBackward(text, from, text.length());
    return parser.parse(text, from, to, AddressParser.PORT)
        ? Optional.of(toInetAddress(parser.hi, parser.lo))
        : Optional.empty();
  }

  /**
   * Parses an IP address literal, never resolving a name.
   *
   * @param text the literal, not null
   * @return the address
   * @throws IllegalArgumentException if {@code text} is not an address literal in an accepted form
   */
  public static InetAddress parse(CharSequence text) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + printable(text)
                        + "' is not an IP address; expected an IPv4 address such as 192.0.2.1"
                        + " or an IPv6 address such as 2001:db8::1, optionally with a port"));
  }

  /**
   * Formats an address as canonical text: dotted quad for IPv4 (also for an IPv4-mapped IPv6
   * address), RFC 5952 for IPv6 (lower case, no leading zeros, the longest run of zero groups
   * shortened to {@code ::}). No look-up, no zone id.
   *
   * @param address the address, not null
   * @return canonical text, e.g. {@code 192.0.2.1} or {@code 2001:db8::1}
   */
  public static String format(InetAddress address) {
    Objects.requireNonNull(address, "address");
    byte[] b = address.getAddress();
    return format(high(b), low(b));
  }

  /**
   * Formats an address given as its 4 or 16 bytes: dotted quad for 4, RFC 5952 for 16 (always in
   * hexadecimal groups, also for an IPv4-mapped value). No look-up.
   *
   * @throws IllegalArgumentException if {@code bytes} is not 4 or 16 bytes long
   */
  public static String format(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    if (bytes.length != 16) {
      throw new IllegalArgumentException("An address has 4 or 16 bytes; got " + bytes.length + ".");
    }
    return formatIpv6(toLong(bytes, 0), toLong(bytes, 8));
  }

  static String format(long hi, long lo) {
    if (AddressParser.isMapped(hi, lo)) {
      return ((lo >>> 24) & 0xff)
          + "."
          + ((lo >>> 16) & 0xff)
          + "."
          + ((lo >>> 8) & 0xff)
          + "."
          + (lo & 0xff);
    }
    return formatIpv6(hi, lo);
  }

  /** RFC 5952: lower case, no leading zeros, the longest run of 2+ zero groups as {@code ::}. */
  private static String formatIpv6(long hi, long lo) {
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
      g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
    }
    // RFC 5952 section 4.2: shorten the longest run of two or more zero groups, the first if tied.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out.toString();
  }

  /**
   * Builds the address object for a parsed value; IPv4 and IPv4-mapped values become Inet4Address.
   */
  static InetAddress toInetAddress(long hi, long lo) {
    byte[] bytes;
    if (AddressParser.isMapped(hi, lo)) {
      bytes = new byte[4];
      putInt(bytes, 0, (int) lo);
    } else {
      bytes = new byte[16];
      putInt(bytes, 0, (int) (hi >>> 32));
      putInt(bytes, 4, (int) hi);
      putInt(bytes, 8, (int) (lo >>> 32));
      putInt(bytes, 12, (int) lo);
    }
    try {
      return InetAddress.getByAddress(bytes); // no look-up: the host name stays unset
    } catch (UnknownHostException e) {
      throw new AssertionError("address of 4 or 16 bytes rejected", e);
    }
  }

  /** High 64 bits of the 128-bit form of an address's bytes (IPv4 as IPv4-mapped IPv6). */
  static long high(byte[] b) {
    return b.length == 4 ? 0 : toLong(b, 0);
  }

  /** Low 64 bits of the 128-bit form of an address's bytes (IPv4 as IPv4-mapped IPv6). */
  static long low(byte[] b) {
    return b.length == 4 ? 0xffff_0000_0000L | toUnsignedInt(b, 0) : toLong(b, 8);
  }

  static int skipSpaceForward(CharSequence text, int from, int to) {
    while (from < to && isSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  static int skipSpaceBackward(CharSequence text, int from, int to) {
    while (to > from && isSpace(text.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  /** Optional white space as HTTP defines it: space and horizontal tab only. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /** Text safe to put in a message or a log line: control characters become '?'. */
  static String printable(CharSequence text) {
    return Printable.of(text, 200);
  }

  private static long toUnsignedInt(byte[] b, int offset) {
    return ((b[offset] & 0xffL) << 24)
        | ((b[offset + 1] & 0xffL) << 16)
        | ((b[offset + 2] & 0xffL) << 8)
        | (b[offset + 3] & 0xffL);
  }

  private static long toLong(byte[] b, int offset) {
    return (toUnsignedInt(b, offset) << 32) | toUnsignedInt(b, offset + 4);
  }

  private static void putInt(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 24);
    b[offset + 1] = (byte) (value >>> 16);
    b[offset + 2] = (byte) (value >>> 8);
    b[offset + 3] = (byte) value;
  }
}
