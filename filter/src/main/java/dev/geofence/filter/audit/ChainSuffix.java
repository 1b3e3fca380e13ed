package dev.geofence.filter.audit;

import java.nio.ByteBuffer;

/**
 * Writes the end of a chained line, {@code ,"audit":{"seq":N,"prev_hash":"…"}}}}, byte for byte as
 * {@link AuditEncoder} would, so the file sink can chain a line that a request thread encoded
 * before its sequence number and previous hash were known. Stateless.
 */
final class ChainSuffix {

  private static final byte[] HEAD = ascii(",\"audit\":{\"seq\":");
  private static final byte[] MIDDLE = ascii(",\"prev_hash\":\"");
  private static final byte[] TAIL = ascii("\"}}}");
  private static final byte[] HEX = ascii("0123456789abcdef");

  /** The most a line grows: the suffix with a 19-digit seq, less the {@code }}} it replaces. */
  static final int MAX_EXTRA = HEAD.length + 19 + MIDDLE.length + 64 + TAIL.length - 2;

  private ChainSuffix() {}

  static void put(ByteBuffer out, long seq, byte[] prevHashHex) {
    out.put(HEAD);
    putDecimal(out, seq);
    out.put(MIDDLE);
    out.put(prevHashHex, 0, 64);
    out.put(TAIL);
  }

  /** Writes the 32 bytes of {@code hash} as 64 lower-case hex digits into {@code into}. */
  static void hex(byte[] hash, byte[] into) {
    for (int i = 0; i < 32; i++) {
      into[2 * i] = HEX[(hash[i] >> 4) & 0xf];
      into[2 * i + 1] = HEX[hash[i] & 0xf];
    }
  }

  private static void putDecimal(ByteBuffer out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("seq " + value + " is negative");
    }
    long divisor = 1;
    while (value / divisor >= 10) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      out.put((byte) ('0' + (value / divisor) % 10));
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
