package dev.geofence.filter.address;

import dev.geofence.filter.address.ClientAddress.UnknownReason;

/**
 * The entries of a forwarding header, left to right, as index ranges into the header text, so that
 * no substring is made. An entry that cannot hold an address at all (a {@code Forwarded} element
 * without {@code for}) carries its reason instead of a range.
 *
 * <p>Splitting is done left to right, where the grammar is unambiguous; the caller then walks the
 * entries from the right. Not thread-safe: one instance per request.
 */
final class Hops {

  private static final int NO_RANGE = -1;
  private static final UnknownReason[] REASONS = UnknownReason.values();

  // Per entry: start, end (exclusive), and the ordinal of an UnknownReason or NO_RANGE.
  private int[] entries;
  private int size;

  /**
   * @param text the header text to split; every entry but the last ends at a comma, so the commas
   *     (capped by {@code maxHops}) size the table exactly and it never grows
   */
  Hops(String text, int maxHops) {
    int commas = 0;
    for (int i = text.indexOf(','); i >= 0 && commas < maxHops; i = text.indexOf(',', i + 1)) {
      commas++;
    }
    entries = new int[3 * Math.min(commas + 1, maxHops)];
  }

  int size() {
    return size;
  }

  int start(int index) {
    return entries[index * 3];
  }

  int end(int index) {
    return entries[index * 3 + 1];
  }

  /** The reason this entry holds no address, or null if it is a range of text to parse. */
  UnknownReason reason(int index) {
    int ordinal = entries[index * 3 + 2];
    return ordinal == NO_RANGE ? null : REASONS[ordinal];
  }

  private void add(int start, int end, int reason) {
    entries[size * 3] = start;
    entries[size * 3 + 1] = end;
    entries[size * 3 + 2] = reason;
    size++;
  }

  /**
   * Splits a comma-separated list ({@code X-Forwarded-For}). Every comma separates two entries, so
   * {@code "a,,b"} has an empty entry in the middle.
   *
   * @return null, or {@link UnknownReason#TOO_MANY_HOPS} as soon as more than {@code maxHops}
   *     entries are seen
   */
  UnknownReason splitList(String text, int maxHops) {
    int start = 0;
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || text.charAt(i) == ',') {
        if (size == maxHops) {
          return UnknownReason.TOO_MANY_HOPS;
        }
        add(start, i, NO_RANGE);
        start = i + 1;
      }
    }
    return null;
  }

  /**
   * Splits an RFC 7239 {@code Forwarded} header into one entry per forwarded-element: the range of
   * the {@code for} value (inside the quotes if quoted), or a reason if the element has none.
   *
   * <p>Parameter names compare case-insensitively; white space is tolerated around {@code ; , =};
   * an unquoted value may hold {@code : [ ]} (some proxies write {@code for=[2001:db8::1]:80}
   * unquoted).
   *
   * @return null, {@link UnknownReason#MALFORMED_HEADER} if the syntax is broken (an unterminated
   *     quote, a parameter without {@code =}, a repeated {@code for}), or {@link
   *     UnknownReason#TOO_MANY_HOPS} as soon as more than {@code maxHops} elements are seen
   */
  UnknownReason splitForwarded(String text, int maxHops) {
    int n = text.length();
    int i = 0;
    while (true) {
      int forStart = NO_RANGE;
      int forEnd = NO_RANGE;
      boolean anyPair = false;
      while (true) {
        i = IpAddresses.skipSpaceForward(text, i, n);
        if (i < n && text.charAt(i) == ';') {
          i++;
          continue;
        }
        if (i >= n || text.charAt(i) == ',') {
          break;
        }
        int nameStart = i;
        while (i < n && ProxyHeader.isTokenChar(text.charAt(i))) {
          i++;
        }
        int nameEnd = i;
        i = IpAddresses.skipSpaceForward(text, i, n);
        if (nameEnd == nameStart || i >= n || text.charAt(i) != '=') {
          return UnknownReason.MALFORMED_HEADER;
        }
        i = IpAddresses.skipSpaceForward(text, i + 1, n);
        int valueStart;
        int valueEnd;
        if (i < n && text.charAt(i) == '"') {
          valueStart = ++i;
          while (i < n && text.charAt(i) != '"') {
            char c = text.charAt(i);
            if (isControl(c)) {
              return UnknownReason.MALFORMED_HEADER;
            }
            i += c == '\\' ? 2 : 1; // quoted-pair; the escaped character is never a valid address
          }
          if (i >= n) {
            return UnknownReason.MALFORMED_HEADER;
          }
          valueEnd = i++;
        } else {
          valueStart = i;
          while (i < n && isUnquotedValueChar(text.charAt(i))) {
            i++;
          }
          valueEnd = i;
          if (valueEnd == valueStart) {
            return UnknownReason.MALFORMED_HEADER;
          }
        }
        anyPair = true;
        if (nameEnd - nameStart == 3 && text.regionMatches(true, nameStart, "for", 0, 3)) {
          if (forStart != NO_RANGE) {
            return UnknownReason.MALFORMED_HEADER; // RFC 7239: a parameter at most once per element
          }
          forStart = valueStart;
          forEnd = valueEnd;
        }
        i = IpAddresses.skipSpaceForward(text, i, n);
        if (i < n && text.charAt(i) != ';' && text.charAt(i) != ',') {
          return UnknownReason.MALFORMED_HEADER;
        }
      }
      if (size == maxHops) {
        return UnknownReason.TOO_MANY_HOPS;
      }
      if (forStart != NO_RANGE) {
        add(forStart, forEnd, NO_RANGE);
      } else {
        UnknownReason reason = anyPair ? UnknownReason.MISSING_FOR : UnknownReason.EMPTY_ENTRY;
        add(NO_RANGE, NO_RANGE, reason.ordinal());
      }
      if (i >= n) {
        return null;
      }
      i++; // past the comma
    }
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t') || c == 0x7f;
  }

  private static boolean isUnquotedValueChar(char c) {
    return !isControl(c) && c != ';' && c != ',' && c != '"' && !IpAddresses.isSpace(c);
  }
}
