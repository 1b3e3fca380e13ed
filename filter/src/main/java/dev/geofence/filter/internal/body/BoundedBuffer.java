package dev.geofence.filter.internal.body;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream into one growing array, stopping one byte past a limit so an endless stream is
 * never read to its end. Not thread-safe; one per read.
 */
final class BoundedBuffer {
  private static final int INITIAL = 8 * 1024;

  private byte[] bytes;
  private int length;

  private BoundedBuffer(int initial) {
    this.bytes = new byte[initial];
  }

  /**
   * Reads {@code in} until end of stream or until more than {@code limit} bytes were read.
   *
   * @param expected the announced length, or -1 if unknown; sizes the array up front
   * @return the buffer; {@link #overflowed(long)} tells whether the limit was passed
   */
  static BoundedBuffer read(InputStream in, long expected, long limit) throws IOException {
    int initial = (int) Math.min(limit + 1, expected >= 0 ? Math.max(expected, 1) : INITIAL);
    BoundedBuffer buffer = new BoundedBuffer(initial);
    buffer.fill(in, limit);
    return buffer;
  }

  private void fill(InputStream in, long limit) throws IOException {
    while (true) {
      if (length == bytes.length) {
        if (length > limit) {
          return;
        }
        // A body usually ends exactly at its announced length: probe before growing for nothing.
        int probe = in.read();
        if (probe < 0) {
          return;
        }
        // Grow by doubling, never beyond limit + 1: enough to know the limit was passed.
        bytes = Arrays.copyOf(bytes, (int) Math.min(limit + 1, Math.max(16L, 2L * bytes.length)));
        bytes[length++] = (byte) probe;
        continue;
      }
      int n = in.read(bytes, length, bytes.length - length);
      if (n < 0) {
        return;
      }
      length += n;
    }
  }

  boolean overflowed(long limit) {
    return length > limit;
  }

  byte[] array() {
    return bytes;
  }

  int length() {
    return length;
  }
}
