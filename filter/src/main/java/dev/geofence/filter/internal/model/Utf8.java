package dev.geofence.filter.internal.model;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) that
 * also refuses the control bytes JSON never allows unescaped (all below 0x20 except tab, LF, CR).
 * Stateless.
 */
final class Utf8 {
  private Utf8() {}

  /** The offset of the first invalid byte, or -1 if {@code bytes[0, length)} is valid. */
  static int firstInvalid(byte[] bytes, int length) {
    int i = 0;
    while (i < length) {
      int b = bytes[i];
      if (b >= 0x20) {
        i++;
        continue;
      }
      if (b >= 0) {
        if (b != '\t' && b != '\n' && b != '\r') {
          return i;
        }
        i++;
        continue;
      }
      int lead = b & 0xFF;
      int need;
      int min;
      if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        min = 0x80;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        min = 0x800;
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + need >= length) {
        return i;
      }
      int cp = lead & (0x3F >> need);
      for (int k = 1; k <= need; k++) {
        int c = bytes[i + k] & 0xFF;
        if ((c & 0xC0) != 0x80) {
          return i;
        }
        cp = cp << 6 | (c & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return i;
      }
      i += need + 1;
    }
    return -1;
  }
}
