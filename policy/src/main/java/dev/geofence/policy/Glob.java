package dev.geofence.policy;

import java.util.Locale;

/**
 * A model-id pattern: {@code *} any run of characters, {@code ?} one character, everything else
 * literal; case-insensitive, against the trimmed model id. Matching allocates nothing. Immutable.
 */
final class Glob {

  private final String pattern; // trimmed, lower-case

  Glob(String pattern) {
    this.pattern = pattern.strip().toLowerCase(Locale.ROOT);
  }

  String pattern() {
    return pattern;
  }

  boolean matches(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    // Iterative wildcard match: remember the last '*' and retry from one character further on.
    int p = 0;
    int t = start;
    int star = -1;
    int retry = 0;
    int plen = pattern.length();
    while (t < end) {
      if (p < plen && pattern.charAt(p) == '*') {
        star = p++;
        retry = t;
      } else if (p < plen && (pattern.charAt(p) == '?' || pattern.charAt(p) == lower(text.charAt(t)))) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++retry;
      } else {
        return false;
      }
    }
    while (p < plen && pattern.charAt(p) == '*') {
      p++;
    }
    return p == plen;
  }

  private static char lower(char c) {
    return c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
  }

  @Override
  public String toString() {
    return pattern;
  }
}
