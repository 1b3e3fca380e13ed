package dev.geofence.policy;

import java.util.Locale;

/**
 * A model-id pattern: {@code *} any run of characters, {@code ?} one character, everything else
 * literal; case-insensitive, against the trimmed model id. Matching allocates nothing, and the
 * common shapes ({@code claude-opus-4*} and exact ids) take a single region comparison. Immutable.
 */
final class Glob {

  private enum Shape {
    EXACT,
    PREFIX,
    GENERAL
  }

  private final String pattern; // trimmed, lower-case
  private final Shape shape;
  private final String literal; // the pattern without its trailing '*' for PREFIX

  Glob(String pattern) {
    this.pattern = pattern.strip().toLowerCase(Locale.ROOT);
    int star = this.pattern.indexOf('*');
    boolean noQuestion = this.pattern.indexOf('?') < 0;
    if (star < 0 && noQuestion) {
      shape = Shape.EXACT;
      literal = this.pattern;
    } else if (noQuestion && star == this.pattern.length() - 1) {
      shape = Shape.PREFIX;
      literal = this.pattern.substring(0, star);
    } else {
      shape = Shape.GENERAL;
      literal = "";
    }
  }

  String pattern() {
    return pattern;
  }

  /** Whether the pattern matches {@code text}, ignoring leading and trailing whitespace. */
  boolean matches(String text) {
    int start = trimStart(text);
    return matches(text, start, trimEnd(text, start));
  }

  /** Whether the pattern matches {@code text[start, end)}, already trimmed. */
  boolean matches(String text, int start, int end) {
    switch (shape) {
      case EXACT:
        return end - start == literal.length()
            && text.regionMatches(true, start, literal, 0, literal.length());
      case PREFIX:
        return end - start >= literal.length()
            && text.regionMatches(true, start, literal, 0, literal.length());
      default:
        return wildcard(text, start, end);
    }
  }

  static int trimStart(String text) {
    int start = 0;
    while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    return start;
  }

  static int trimEnd(String text, int start) {
    int end = text.length();
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  // Iterative wildcard match: remember the last '*' and retry from one character further on.
  private boolean wildcard(String text, int start, int end) {
    int p = 0;
    int t = start;
    int star = -1;
    int retry = 0;
    int plen = pattern.length();
    while (t < end) {
      if (p < plen && pattern.charAt(p) == '*') {
        star = p++;
        retry = t;
      } else if (p < plen
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == lower(text.charAt(t)))) {
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
