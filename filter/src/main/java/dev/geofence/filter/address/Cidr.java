package dev.geofence.filter.address;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation, such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}.
 *
 * <p>An IPv4 network also contains the IPv4-mapped IPv6 form of its addresses ({@code 10.0.0.0/8}
 * contains {@code ::ffff:10.1.2.3}), and an IPv6 network that covers {@code ::ffff:0:0/96} contains
 * the matching IPv4 addresses ({@code ::/0} contains every address). An IPv4-mapped network such as
 * {@code ::ffff:10.0.0.0/104} is held as the IPv4 network {@code 10.0.0.0/8}.
 *
 * <p>Immutable and thread-safe. For many networks and many checks use {@link TrustedProxies}.
 *
 * @param network the first address of the network, with every bit after the prefix zero; not null
 * @param prefixLength the number of leading bits that identify the network: 0-32 for IPv4, 0-128
 *     for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

  /**
   * @throws IllegalArgumentException if the prefix length is out of range or {@code network} has
   *     bits set after the prefix
   */
  public Cidr {
    Objects.requireNonNull(network, "network");
    byte[] bytes = network.getAddress();
    long hi = IpAddresses.high(bytes);
    long lo = IpAddresses.low(bytes);
    int bits = bytes.length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "The prefix length "
              + prefixLength
              + " is out of range for "
              + IpAddresses.format(network)
              + "; expected 0-"
              + bits
              + ".");
    }
    int length128 = bits == 32 ? prefixLength + 96 : prefixLength;
    if (AddressParser.isMapped(hi, lo) && length128 >= 96) {
      network =
          IpAddresses.toInetAddress(hi, lo); // an Inet6Address built by hand may be IPv4-mapped
      prefixLength = length128 - 96;
    } else if (!(network instanceof Inet4Address)) {
      network = IpAddresses.toInetAddress(hi, lo); // drops any scope id and host name
    }
    String hostBits = hostBitsProblem(hi, lo, length128, prefixLength);
    if (hostBits != null) {
      throw new IllegalArgumentException(
          "The network " + IpAddresses.format(hi, lo) + "/" + prefixLength + " " + hostBits);
    }
  }

  /**
   * Parses CIDR notation: an address, optionally followed by {@code /} and a prefix length. A bare
   * address is a network of one address ({@code /32} or {@code /128}). Surrounding spaces are
   * ignored.
   *
   * @param text e.g. {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code 2001:db8::/32}, {@code ::1}; not
   *     null
   * @return the network
   * @throws IllegalArgumentException naming {@code text} if it is not CIDR notation, the prefix
   *     length is out of range, or bits are set after the prefix ({@code 10.0.0.1/8})
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    int from = IpAddresses.skipSpaceForward(text, 0, text.length());
    int to = IpAddresses.skipSpaceBackward(text, from, text.length());
    int slash = text.indexOf('/', from);
    int addressEnd = slash < 0 ? to : slash;
    AddressParser parser = new AddressParser();
    // Flags 0: no port and no brackets, which mean nothing in a network.
    if (!parser.parse(text, from, addressEnd, 0)) {
      throw new IllegalArgumentException(
          "'"
              + IpAddresses.printable(text)
              + "' is not a network in CIDR notation;"
              + " expected an address with an optional prefix length, such as 10.0.0.0/8 or 2001:db8::/32.");
    }
    boolean ipv4Text = text.indexOf(':', from) < 0;
    int bits = ipv4Text ? 32 : 128;
    int prefix = slash < 0 ? bits : parsePrefix(text, slash + 1, to);
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException(
          "'"
              + IpAddresses.printable(text)
              + "' has an invalid prefix length;"
              + " expected a number from 0 to "
              + bits
              + " after the '/'.");
    }
    InetAddress address = IpAddresses.toInetAddress(parser.hi, parser.lo);
    if (!ipv4Text && address instanceof Inet4Address) {
      // Written as IPv4-mapped IPv6: hand the 128-bit prefix length to the constructor's
      // conversion.
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "'"
                + IpAddresses.printable(text)
                + "' has bits set after the prefix length; an IPv4-mapped network needs a prefix length of 96 or more.");
      }
      prefix -= 96;
    }
    int length128 = address instanceof Inet4Address ? prefix + 96 : prefix;
    String hostBits = hostBitsProblem(parser.hi, parser.lo, length128, prefix);
    if (hostBits != null) {
      throw new IllegalArgumentException("'" + IpAddresses.printable(text) + "' " + hostBits);
    }
    return new Cidr(address, prefix);
  }

  /** Returns why bits after the prefix make the network invalid, or null if they are all zero. */
  private static String hostBitsProblem(long hi, long lo, int length128, int prefixLength) {
    if ((hi & ~maskHigh(length128)) == 0 && (lo & ~maskLow(length128)) == 0) {
      return null;
    }
    String suggestion = IpAddresses.format(hi & maskHigh(length128), lo & maskLow(length128));
    return "has bits set after the prefix length; did you mean "
        + suggestion
        + "/"
        + prefixLength
        + "?";
  }

  /** Returns the prefix length, or -1 if {@code text[from, to)} is not 1 to 3 ASCII digits. */
  private static int parsePrefix(CharSequence text, int from, int to) {
    if (from >= to || to - from > 3) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * @param address the address to test, not null
   * @return whether {@code address} is in this network, comparing IPv4 and IPv4-mapped IPv6 as
   *     equal
   */
  public boolean contains(InetAddress address) {
    Objects.requireNonNull(address, "address");
    byte[] b = address.getAddress();
    return contains(IpAddresses.high(b), IpAddresses.low(b));
  }

  boolean contains(long hi, long lo) {
    int length = prefixLength128();
    return ((hi ^ firstHigh()) & maskHigh(length)) == 0
        && ((lo ^ firstLow()) & maskLow(length)) == 0;
  }

  /** True if this is an IPv4 network. */
  boolean isIpv4() {
    return network instanceof Inet4Address;
  }

  /** The prefix length in the 128-bit space where IPv4 is IPv4-mapped IPv6. */
  int prefixLength128() {
    return isIpv4() ? prefixLength + 96 : prefixLength;
  }

  long firstHigh() {
    return IpAddresses.high(network.getAddress());
  }

  long firstLow() {
    return IpAddresses.low(network.getAddress());
  }

  long lastHigh() {
    return firstHigh() | ~maskHigh(prefixLength128());
  }

  long lastLow() {
    return firstLow() | ~maskLow(prefixLength128());
  }

  static long maskHigh(int length128) {
    if (length128 >= 64) {
      return -1L;
    }
    return length128 == 0 ? 0 : -1L << (64 - length128);
  }

  static long maskLow(int length128) {
    if (length128 <= 64) {
      return 0;
    }
    return length128 == 128 ? -1L : -1L << (128 - length128);
  }

  /** CIDR notation, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return IpAddresses.format(network) + "/" + prefixLength;
  }
}
