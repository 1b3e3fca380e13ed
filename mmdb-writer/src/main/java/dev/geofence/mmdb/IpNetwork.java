package dev.geofence.mmdb;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR form, such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}.
 *
 * <p>Immutable and thread-safe. Parsing never resolves host names: only address literals are
 * accepted. An IPv4-mapped IPv6 network ({@code ::ffff:192.0.2.0/120}) is normalised to its IPv4
 * form ({@code 192.0.2.0/24}), since that is the address the readers look up.
 */
public final class IpNetwork {

  private final byte[] address;
  private final int prefixLength;

  private IpNetwork(byte[] address, int prefixLength) {
    this.address = address;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address/prefix}; a bare address is a single-host network ({@code /32} or {@code
   * /128}).
   *
   * @throws IllegalArgumentException if the text is not an address literal with a valid prefix, or
   *     if bits past the prefix are set
   */
  public static IpNetwork parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    String text = cidr.strip();
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = parseAddress(host, cidr);
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (digits.isEmpty()
          || digits.length() > 3
          || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "Invalid prefix length in network '" + cidr + "'; expected /0 to /" + bits + ".");
      }
      prefix = Integer.parseInt(digits);
    }
    if (host.indexOf(':') >= 0 && bytes.length == 4) {
      // The JDK turns ::ffff:a.b.c.d into an IPv4 address; the prefix was given in IPv6 bits.
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "Network '" + cidr + "' has bits set past its prefix length.");
      }
      prefix -= 96;
      bits = 32;
    }
    if (prefix > bits) {
      throw new IllegalArgumentException(
          "Invalid prefix length in network '" + cidr + "'; expected /0 to /" + bits + ".");
    }
    if (!hostBitsClear(bytes, prefix)) {
      throw new IllegalArgumentException(
          "Network '"
              + cidr
              + "' has bits set past its prefix length; did you mean "
              + new IpNetwork(mask(bytes, prefix), prefix)
              + "?");
    }
    return new IpNetwork(bytes, prefix);
  }

  /**
   * Returns the network of the given address and prefix length.
   *
   * @throws IllegalArgumentException if the prefix is out of range or bits past it are set
   */
  public static IpNetwork of(InetAddress address, int prefixLength) {
    Objects.requireNonNull(address, "address");
    byte[] bytes = address.getAddress();
    if (prefixLength < 0 || prefixLength > bytes.length * 8) {
      throw new IllegalArgumentException(
          "Invalid prefix length "
              + prefixLength
              + " for "
              + address.getHostAddress()
              + "; expected 0 to "
              + bytes.length * 8
              + ".");
    }
    if (!hostBitsClear(bytes, prefixLength)) {
      throw new IllegalArgumentException(
          "Network "
              + address.getHostAddress()
              + "/"
              + prefixLength
              + " has bits set past its prefix length.");
    }
    return new IpNetwork(bytes, prefixLength);
  }

  /**
   * Returns the smallest list of networks that covers exactly the addresses from {@code first} to
   * {@code last}, both included, in ascending order.
   *
   * @throws IllegalArgumentException if an address is not a literal, the two are of different
   *     families, or {@code first} is after {@code last}
   */
  public static List<IpNetwork> range(String first, String last) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    byte[] start = parseAddress(first.strip(), first);
    byte[] end = parseAddress(last.strip(), last);
    if (start.length != end.length) {
      throw new IllegalArgumentException(
          "Range "
              + first
              + " to "
              + last
              + " mixes IPv4 and IPv6; both ends must be of the same family.");
    }
    BigInteger from = new BigInteger(1, start);
    BigInteger to = new BigInteger(1, end);
    if (from.compareTo(to) > 0) {
      throw new IllegalArgumentException(
          "Range start " + first + " is after its end " + last + ".");
    }
    int bits = start.length * 8;
    List<IpNetwork> networks = new ArrayList<>();
    while (from.compareTo(to) <= 0) {
      int size = from.signum() == 0 ? bits : Math.min(from.getLowestSetBit(), bits);
      while (size > 0
          && from.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(to) > 0) {
        size--;
      }
      networks.add(new IpNetwork(toBytes(from, start.length), bits - size));
      from = from.add(BigInteger.ONE.shiftLeft(size));
    }
    return networks;
  }

  /** Returns the prefix length, 0 to 32 for IPv4 and 0 to 128 for IPv6. */
  public int prefixLength() {
    return prefixLength;
  }

  /** Returns true for an IPv4 network. */
  public boolean isIpv4() {
    return address.length == 4;
  }

  /** Returns the network address, 4 or 16 bytes in network order (a copy). */
  public byte[] addressBytes() {
    return address.clone();
  }

  byte[] bytes() {
    return address;
  }

  /** Returns the network address; an IPv4-mapped IPv6 network cannot occur (see the class note). */
  public InetAddress address() {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("unreachable: 4 or 16 bytes", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpNetwork that
        && prefixLength == that.prefixLength
        && Arrays.equals(address, that.address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + prefixLength;
  }

  /** Returns the canonical text, e.g. {@code 192.0.2.0/24} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return InetAddresses.format(address) + "/" + prefixLength;
  }

  static byte[] parseAddress(String host, String original) {
    byte[] bytes = InetAddresses.parse(host);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "'"
              + original
              + "' is not an IP address literal; expected e.g. 192.0.2.0/24 or 2001:db8::/32.");
    }
    return bytes;
  }

  private static boolean hostBitsClear(byte[] bytes, int prefix) {
    return Arrays.equals(bytes, mask(bytes, prefix));
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] &= (byte) (0xFF << (8 - keep));
    }
    return masked;
  }

  private static byte[] toBytes(BigInteger value, int length) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }

  /** Address literal parsing and formatting that never touches DNS. */
  static final class InetAddresses {
    private InetAddresses() {}

    /** Returns 4 or 16 bytes, or null if the text is not an address literal. */
    static byte[] parse(String text) {
      if (text.isEmpty() || text.length() > 45) {
        return null;
      }
      if (text.indexOf(':') < 0) {
        return parseIpv4(text);
      }
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
          return null;
        }
      }
      // Only hex digits, ':' and '.' with at least one ':' reach the JDK, which then parses a
      // literal and never resolves a name.
      try {
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }

    private static byte[] parseIpv4(String text) {
      byte[] out = new byte[4];
      int part = 0;
      int value = -1;
      int digits = 0;
      for (int i = 0; i <= text.length(); i++) {
        char c = i < text.length() ? text.charAt(i) : '.';
        if (c >= '0' && c <= '9') {
          if (++digits > 3) {
            return null;
          }
          value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (c == '.') {
          if (value < 0 || value > 255 || part > 3) {
            return null;
          }
          out[part++] = (byte) value;
          value = -1;
          digits = 0;
        } else {
          return null;
        }
      }
      return part == 4 ? out : null;
    }

    /** Formats 4 bytes as dotted quad and 16 bytes in RFC 5952 form (longest zero run as ::). */
    static String format(byte[] bytes) {
      if (bytes.length == 4) {
        return (bytes[0] & 0xFF)
            + "."
            + (bytes[1] & 0xFF)
            + "."
            + (bytes[2] & 0xFF)
            + "."
            + (bytes[3] & 0xFF);
      }
      int[] groups = new int[8];
      for (int i = 0; i < 8; i++) {
        groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
      }
      int bestStart = -1;
      int bestLength = 1;
      for (int i = 0; i < 8; i++) {
        int j = i;
        while (j < 8 && groups[j] == 0) {
          j++;
        }
        if (j - i > bestLength) {
          bestStart = i;
          bestLength = j - i;
        }
        i = Math.max(i, j);
      }
      StringBuilder text = new StringBuilder(39);
      for (int i = 0; i < 8; i++) {
        if (i == bestStart) {
          text.append("::");
          i += bestLength - 1;
        } else {
          if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
            text.append(':');
          }
          text.append(Integer.toHexString(groups[i]));
        }
      }
      return text.toString();
    }
  }
}
