package dev.geofence.filter.internal;

/**
 * Request text made safe for where it is written. A request may hold any character; messages, logs,
 * header values and audit fields must not carry control characters (a CR/LF would forge a log line
 * or split a header) or grow without bound. The one place this is done. Stateless.
 */
public final class Printable {

  private Printable() {}

  /**
   * For a message or a log line: every control character (C0, DEL, C1, U+2028/2029) becomes {@code
   * ?}, and text over {@code max} characters is cut and ends in {@code ...}; null is {@code -}.
   */
  public static String of(CharSequence text, int max) {
    if (text == null) {
      return "-";
    }
    int n = Math.min(text.length(), max);
    StringBuilder out = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      out.append(isControl(c) ? '?' : c);
    }
    return n < text.length() ? out.append("...").toString() : out.toString();
  }

  /**
   * For an HTTP header value: anything but visible ASCII and space becomes {@code ?}, so a model
   * name from a JSON body cannot split or corrupt a header. Returns {@code value} itself when it is
   * already safe.
   */
  public static String headerValue(String value) {
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        if (out == null) {
          out = new StringBuilder(value);
        }
        out.setCharAt(i, '?');
      }
    }
    return out == null ? value : out.toString();
  }

  /**
   * For an audit field: control characters removed and at most {@code max} characters, never
   * splitting a surrogate pair. Returns {@code value} itself when it is already clean.
   */
  public static String withoutControls(String value, int max) {
    int length = value.length();
    boolean dirty = length > max;
    for (int i = 0; i < length && !dirty; i++) {
      dirty = isControl(value.charAt(i));
    }
    if (!dirty) {
      return value;
    }
    StringBuilder out = new StringBuilder(Math.min(length, max));
    for (int i = 0; i < length && out.length() < max; i++) {
      char c = value.charAt(i);
      if (isControl(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && out.length() + 1 >= max) {
        break;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** C0 controls, DEL, C1 controls, and the line and paragraph separators U+2028 and U+2029. */
  public static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}
