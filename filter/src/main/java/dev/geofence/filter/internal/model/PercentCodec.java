package dev.geofence.filter.internal.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Percent-decoding (strict UTF-8) and encoding for path segments and query components. Stateless.
 */
final class PercentCodec {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentCodec() {}

  /**
   * Decodes {@code %XX} escapes once and reads the bytes as UTF-8.
   *
   * @param plusIsSpace whether {@code +} means a space (form-encoded query strings)
   * @return the decoded text, or empty if an escape is malformed or the bytes are not UTF-8
   */
  static Optional<String> decode(CharSequence s, boolean plusIsSpace) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c != '%' && !(plusIsSpace && c == '+');
    }
    if (plain) {
      return Optional.of(s.toString());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (plusIsSpace && c == '+') {
        bytes.write(' ');
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          utf8 = s.subSequence(i, i + 2).toString().getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * Encodes one decoded path segment: everything but unreserved characters and {@code !$&'()*,=:@}
   * is escaped, including {@code /}, {@code ;}, {@code %} and {@code +}, so the segment stays one
   * segment with no path parameter and decodes back to itself in every container.
   */
  static String encodeSegment(String segment) {
    return encode(segment, "!$&'()*,=:@");
  }

  /** Encodes a query component the way HTML forms do, except that a space becomes {@code %20}. */
  static String encodeQueryComponent(String value) {
    return encode(value, "!$'()*,:@/?");
  }

  private static String encode(String s, String allowed) {
    StringBuilder out = null;
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      boolean keep = b < 0x80 && (isUnreserved((char) b) || allowed.indexOf(b) >= 0);
      if (keep && out == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(utf8.length + 16);
        for (int j = 0; j < i; j++) {
          out.append((char) utf8[j]);
        }
      }
      if (keep) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
      }
    }
    return out == null ? s : out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
