package dev.geofence.policy.map;

/**
 * The document as it is written: appended to in order, then turned into ASCII, every other
 * character written as a numeric character reference. Not thread-safe.
 */
final class Html {

  private final StringBuilder text = new StringBuilder(1 << 20);

  /** Appends markup or text that needs no escaping. */
  Html append(String s) {
    text.append(s);
    return this;
  }

  Html append(char c) {
    text.append(c);
    return this;
  }

  Html append(long n) {
    text.append(n);
    return this;
  }

  /** The document, in ASCII. */
  @Override
  public String toString() {
    StringBuilder ascii = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (ascii != null) {
          ascii.append(c);
        }
        continue;
      }
      if (ascii == null) {
        ascii = new StringBuilder(text.length() + 1024).append(text, 0, i);
      }
      int codePoint = Character.codePointAt(text, i);
      ascii.append("&#x").append(Integer.toHexString(codePoint)).append(';');
      i += Character.charCount(codePoint) - 1;
    }
    return ascii == null ? text.toString() : ascii.toString();
  }

  /** Escapes text for HTML content and double-quoted attributes. */
  static String esc(String text) {
    StringBuilder s = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (r != null) {
        if (s == null) {
          s = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        s.append(r);
      } else if (s != null) {
        s.append(c);
      }
    }
    return s == null ? text : s.toString();
  }
}
