package dev.geofence.filter.address;

/**
 * Finds entries of a forwarding header line from the right, one at a time, without copying: {@code
 * X-Forwarded-For} entries end at commas; RFC 7239 {@code Forwarded} elements end at commas outside
 * quoted strings. The resolver asks for one entry, decides whether to go on, and only then asks for
 * the next one to its left, so nothing left of the caller's entry is ever scanned.
 *
 * <p>Results are packed into a {@code long} (start in the high half, end in the low half) so that a
 * step allocates nothing; a negative result is one of the {@code FAILED_*} codes. Stateless.
 */
final class HeaderSyntax {

  /** The entry would make the walked part longer than its budget. */
  static final long FAILED_TOO_LONG = -1;

  /** The entry is not well-formed (unterminated quote, a parameter without a value, ...). */
  static final long FAILED_MALFORMED = -2;

  /** A {@code Forwarded} element with parameters but no {@code for}. */
  static final long FAILED_MISSING_FOR = -3;

  /** A {@code Forwarded} element with nothing in it. */
  static final long FAILED_EMPTY = -4;

  private HeaderSyntax() {}

  static long pack(int start, int end) {
    return ((long) start << 32) | end;
  }

  static int start(long range) {
    return (int) (range >>> 32);
  }

  static int end(long range) {
    return (int) range;
  }

  /**
   * The start of the {@code X-Forwarded-For} entry that ends at {@code end}: just after the nearest
   * comma to its left, or 0.
   *
   * @param budget the most characters the entry may have
   * @return the packed range of the entry, or {@link #FAILED_TOO_LONG}
   */
  static long listEntry(String line, int end, int budget) {
    // A comma may sit just before an entry of exactly `budget` characters.
    int lowest = Math.max(0, end - budget - 1);
    for (int i = end - 1; i >= lowest; i--) {
      if (line.charAt(i) == ',') {
        return pack(i + 1, end);
      }
    }
    return end <= budget ? pack(0, end) : FAILED_TOO_LONG;
  }

  /**
   * The start of the {@code Forwarded} element that ends at {@code end}: just after the nearest
   * comma to its left that is outside a quoted string, or 0. A quoted string is recognised from its
   * closing quote; its opening quote is the nearest quote to the left not escaped by an odd number
   * of backslashes (RFC 9110 quoted-pair). The element is then parsed left to right by {@link
   * #forwardedFor}, which rejects anything the backward scan took for something else.
   *
   * @param budget the most characters the element may have
   * @return the packed range of the element, {@link #FAILED_TOO_LONG} or {@link #FAILED_MALFORMED}
   *     (a closing quote without an opening one)
   */
  static long forwardedElement(String line, int end, int budget) {
    int lowest = Math.max(0, end - budget - 1);
    int i = end - 1;
    while (i >= lowest) {
      char c = line.charAt(i);
      if (c == ',') {
        return pack(i + 1, end);
      }
      if (c == '"') {
        int open = i - 1;
        while (open >= lowest && (line.charAt(open) != '"' || escaped(line, open, lowest))) {
          open--;
        }
        if (open < lowest) {
          return lowest == 0 && end <= budget ? FAILED_MALFORMED : FAILED_TOO_LONG;
        }
        i = open;
      }
      i--;
    }
    return end <= budget ? pack(0, end) : FAILED_TOO_LONG;
  }

  /** Whether the quote at {@code quote} follows an odd run of backslashes. */
  private static boolean escaped(String line, int quote, int floor) {
    int backslashes = 0;
    for (int i = quote - 1; i >= floor && line.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return (backslashes & 1) == 1;
  }

  /**
   * Parses one {@code Forwarded} element, {@code line[from, to)}, left to right and finds its
   * {@code for} value (inside the quotes if quoted). Parameter names compare case-insensitively;
   * white space is tolerated around {@code ; =}; an unquoted value may hold {@code : [ ]} (some
   * proxies write {@code for=[2001:db8::1]:80} unquoted).
   *
   * @return the packed range of the value, or {@link #FAILED_MALFORMED} (broken syntax, {@code for}
   *     twice), {@link #FAILED_MISSING_FOR} or {@link #FAILED_EMPTY}
   */
  static long forwardedFor(String line, int from, int to) {
    int forStart = -1;
    int forEnd = -1;
    boolean anyPair = false;
    int i = from;
    while (true) {
      i = IpAddresses.skipSpaceForward(line, i, to);
      if (i >= to) {
        break;
      }
      if (line.charAt(i) == ';') {
        i++;
        continue;
      }
      int nameStart = i;
      while (i < to && ProxyHeader.isTokenChar(line.charAt(i))) {
        i++;
      }
      int nameEnd = i;
      i = IpAddresses.skipSpaceForward(line, i, to);
      if (nameEnd == nameStart || i >= to || line.charAt(i) != '=') {
        return FAILED_MALFORMED;
      }
      boolean isFor = nameEnd - nameStart == 3 && line.regionMatches(true, nameStart, "for", 0, 3);
      i = IpAddresses.skipSpaceForward(line, i + 1, to);
      int valueStart;
      int valueEnd;
      if (i < to && line.charAt(i) == '"') {
        valueStart = ++i;
        while (i < to && line.charAt(i) != '"') {
          char c = line.charAt(i);
          // No node has a comma; one in a quoted for value is a list that a proxy or an attacker
          // hid from anyone splitting at commas, so the element is malformed, not an odd address.
          if (isControl(c) || (isFor && c == ',')) {
            return FAILED_MALFORMED;
          }
          i += c == '\\' ? 2 : 1; // quoted-pair; an escaped character is never part of an address
        }
        if (i >= to) {
          return FAILED_MALFORMED;
        }
        valueEnd = i++;
      } else {
        valueStart = i;
        while (i < to && isUnquotedValueChar(line.charAt(i))) {
          i++;
        }
        valueEnd = i;
        if (valueEnd == valueStart) {
          return FAILED_MALFORMED;
        }
      }
      anyPair = true;
      if (isFor) {
        if (forStart >= 0) {
          return FAILED_MALFORMED; // RFC 7239: a parameter at most once per element
        }
        forStart = valueStart;
        forEnd = valueEnd;
      }
      i = IpAddresses.skipSpaceForward(line, i, to);
      if (i < to && line.charAt(i) != ';') {
        return FAILED_MALFORMED;
      }
    }
    if (forStart >= 0) {
      return pack(forStart, forEnd);
    }
    return anyPair ? FAILED_MISSING_FOR : FAILED_EMPTY;
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t') || c == 0x7f;
  }

  private static boolean isUnquotedValueChar(char c) {
    return !isControl(c) && c != ';' && c != ',' && c != '"' && !IpAddresses.isSpace(c);
  }
}
