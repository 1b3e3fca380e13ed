package dev.geofence.filter.address;

/**
 * Parses IP address literals by index over a {@link CharSequence}, into a 128-bit value held in two
 * {@code long}s. IPv4 addresses are held in their IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}),
 * so that one comparison covers both families and an IPv4-mapped IPv6 literal is the same value as
 * its IPv4 form.
 *
 * <p>Literal syntax only: nothing here ever resolves a host name. Accepted forms:
 *
 * <ul>
 *   <li>IPv4 dotted quad, strictly: four decimal parts of 1 to 3 ASCII digits, each 0-255, and no
 *       leading zero ({@code 010} is rejected rather than guessed as octal 8 or decimal 10, because
 *       {@code inet_aton} and the JDK disagree on it); the short and hex forms {@code 127.1},
 *       {@code 0x7f.0.0.1} and {@code 2130706433} are rejected too.
 *   <li>IPv6 in every RFC 4291 text form: full, {@code ::}-compressed, embedded IPv4 in the last 32
 *       bits; hex digits in either case; a zone id after {@code %} is accepted and dropped.
 *   <li>With {@link #PORT}: {@code 1.2.3.4:5678}, {@code [2001:db8::1]}, {@code [2001:db8::1]:443}.
 *       With {@link #OBFUSCATED_PORT} also the RFC 7239 obfuscated port {@code 1.2.3.4:_abc}.
 * </ul>
 *
 * <p>Not thread-safe: an instance holds the last result. Create one per parse run; it is cheap.
 */
final class AddressParser {

  /** Allow a port after an IPv4 address or a bracketed IPv6 address, and brackets around IPv6. */
  static final int PORT = 1;

  /** Allow an RFC 7239 obfuscated port ({@code _} followed by letters, digits, {@code . _ -}). */
  static final int OBFUSCATED_PORT = 2;

  /** High 64 bits of the last parsed address. */
  long hi;

  /** Low 64 bits of the last parsed address. */
  long lo;

  /** True if the last parsed address is IPv4 (or IPv4-mapped IPv6, which is the same thing). */
  boolean isIpv4() {
    return isMapped(hi, lo);
  }

  static boolean isMapped(long hi, long lo) {
    return hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /**
   * Parses {@code text[from, to)}, exactly (no trimming).
   *
   * @return true and the value in {@link #hi}/{@link #lo} if it is an address literal in an
   *     accepted form
   */
  boolean parse(CharSequence text, int from, int to, int flags) {
    if (from >= to) {
      return false;
    }
    if (text.charAt(from) == '[') {
      return (flags & PORT) != 0 && parseBracketed(text, from, to, flags);
    }
    int colon = -1;
    int colons = 0;
    for (int i = from; i < to && colons < 2; i++) {
      if (text.charAt(i) == ':') {
        colon = i;
        colons++;
      }
    }
    if (colons == 0) {
      return setIpv4(parseIpv4(text, from, to));
    }
    if (colons == 1) {
      // "1.2.3.4:80"; a lone colon can never be IPv6, which always has at least two.
      return (flags & PORT) != 0
          && isPort(text, colon + 1, to, flags)
          && setIpv4(parseIpv4(text, from, colon));
    }
    return parseIpv6WithZone(text, from, to);
  }

  private boolean parseBracketed(CharSequence text, int from, int to, int flags) {
    int close = -1;
    for (int i = from + 1; i < to; i++) {
      if (text.charAt(i) == ']') {
        close = i;
        break;
      }
    }
    if (close < 0) {
      return false;
    }
    if (close + 1 < to && !(text.charAt(close + 1) == ':' && isPort(text, close + 2, to, flags))) {
      return false;
    }
    // Brackets are for IPv6 only (RFC 3986 IP-literal); "[1.2.3.4]" is not a form any proxy writes.
    boolean hasColon = false;
    for (int i = from + 1; i < close && !hasColon; i++) {
      hasColon = text.charAt(i) == ':';
    }
    return hasColon && parseIpv6WithZone(text, from + 1, close);
  }

  private boolean parseIpv6WithZone(CharSequence text, int from, int to) {
    int end = to;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '%') {
        if (!isZone(text, i + 1, to)) {
          return false;
        }
        end = i;
        break;
      }
    }
    return parseIpv6(text, from, end);
  }

  /** A zone id (RFC 4007 / RFC 6874): an interface name or number. Dropped after the check. */
  private static boolean isZone(CharSequence text, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!(isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%')) {
        return false;
      }
    }
    return true;
  }

  private boolean parseIpv6(CharSequence text, int from, int to) {
    // Groups are shifted into hi:lo as they come, so no array is needed; "::" is expanded at the
    // end
    // by moving the groups written before it up over the missing zero groups.
    hi = 0;
    lo = 0;
    int n = 0;
    int gap = -1; // number of groups written before "::"
    int i = from;
    if (i < to && text.charAt(i) == ':') {
      if (i + 1 >= to || text.charAt(i + 1) != ':') {
        return false;
      }
      gap = 0;
      i += 2;
    }
    while (i < to) {
      int start = i;
      int value = 0;
      int digits = 0;
      while (i < to && digits <= 4) {
        int d = hexValue(text.charAt(i));
        if (d < 0) {
          break;
        }
        value = (value << 4) | d;
        digits++;
        i++;
      }
      if (i < to && text.charAt(i) == '.') {
        // Embedded IPv4 takes the last 32 bits and must end the address.
        if (n > 6) {
          return false;
        }
        long v4 = parseIpv4(text, start, to);
        if (v4 < 0) {
          return false;
        }
        shiftInGroup(v4 >>> 16);
        shiftInGroup(v4 & 0xffff);
        n += 2;
        break;
      }
      if (digits == 0 || digits > 4 || n == 8) {
        return false;
      }
      shiftInGroup(value);
      n++;
      if (i == to) {
        break;
      }
      if (text.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < to && text.charAt(i) == ':') {
        if (gap >= 0) {
          return false;
        }
        gap = n;
        i++;
      } else if (i == to) {
        return false; // a single trailing colon
      }
    }
    if (gap < 0) {
      return n == 8;
    }
    // "::" stands for one or more zero groups, so at most 7 groups may be written around it.
    if (n > 7) {
      return false;
    }
    int tailBits = 16 * (n - gap);
    long tailMaskHi = tailBits <= 64 ? 0 : (1L << (tailBits - 64)) - 1; // tailBits <= 112
    long tailMaskLo = tailBits >= 64 ? -1L : (1L << tailBits) - 1;
    long headHi = hi & ~tailMaskHi;
    long headLo = lo & ~tailMaskLo;
    for (int zeros = 8 - n; zeros > 0; zeros--) {
      headHi = (headHi << 16) | (headLo >>> 48);
      headLo <<= 16;
    }
    hi = headHi | (hi & tailMaskHi);
    lo = headLo | (lo & tailMaskLo);
    return true;
  }

  private void shiftInGroup(long group) {
    hi = (hi << 16) | (lo >>> 48);
    lo = (lo << 16) | group;
  }

  private boolean setIpv4(long v4) {
    if (v4 < 0) {
      return false;
    }
    hi = 0;
    lo = 0xffff_0000_0000L | v4;
    return true;
  }

  /** Returns the IPv4 address in {@code text[from, to)} as an unsigned 32-bit value, or -1. */
  static long parseIpv4(CharSequence text, int from, int to) {
    long result = 0;
    int parts = 0;
    int i = from;
    while (true) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 4) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        value = value * 10 + (c - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
        return -1;
      }
      result = (result << 8) | value;
      parts++;
      if (parts == 4) {
        return i == to ? result : -1;
      }
      if (i >= to || text.charAt(i) != '.') {
        return -1;
      }
      i++;
    }
  }

  /** A port (1 to 5 digits, at most 65535) or, if allowed, an RFC 7239 obfuscated port. */
  private static boolean isPort(CharSequence text, int from, int to, int flags) {
    if (from >= to) {
      return false;
    }
    if (text.charAt(from) == '_') {
      return (flags & OBFUSCATED_PORT) != 0 && isObfuscatedTail(text, from + 1, to);
    }
    if (to - from > 5) {
      return false;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 65535;
  }

  /** The part after the leading underscore of an RFC 7239 obfuscated identifier. */
  static boolean isObfuscatedTail(CharSequence text, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!(isAlnum(c) || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
