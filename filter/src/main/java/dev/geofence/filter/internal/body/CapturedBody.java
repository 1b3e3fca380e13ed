package dev.geofence.filter.internal.body;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Objects;

/**
 * A request body held in memory once, without copies: the bytes {@code [0, length())} of {@link
 * #array()}. Immutable by contract: nobody may write to the array after capture. Thread-safe.
 */
public final class CapturedBody {
  private static final byte[] NONE = new byte[0];
  private static final CapturedBody EMPTY = new CapturedBody(NONE, 0, false);

  private final byte[] bytes;
  private final int length;
  private final boolean decoded;

  CapturedBody(byte[] bytes, int length, boolean decoded) {
    Objects.checkFromIndexSize(0, length, bytes.length);
    this.bytes = bytes;
    this.length = length;
    this.decoded = decoded;
  }

  /** An empty body as sent (not decoded). */
  public static CapturedBody empty() {
    return EMPTY;
  }

  /** A body holding exactly {@code bytes}, which the caller hands over and must not modify. */
  public static CapturedBody of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new CapturedBody(bytes, bytes.length, false);
  }

  /**
   * The backing array; only the first {@link #length()} bytes are the body. Shared, not copied, so
   * that a multi-megabyte body exists once: do not modify it.
   */
  public byte[] array() {
    return bytes;
  }

  /** The body length in bytes. */
  public int length() {
    return length;
  }

  /**
   * Whether the body was decompressed from a {@code Content-Encoding}. A replaying request then
   * hides {@code Content-Encoding}, so the application reads exactly the bytes that were inspected.
   */
  public boolean decoded() {
    return decoded;
  }

  /**
   * A body with new content (e.g. after model substitution) and the same {@link #decoded()} flag.
   * The caller hands {@code content} over and must not modify it.
   */
  public CapturedBody withContent(byte[] content) {
    Objects.requireNonNull(content, "content");
    return new CapturedBody(content, content.length, decoded);
  }

  /** A fresh stream over the body. */
  public InputStream inputStream() {
    return new ByteArrayInputStream(bytes, 0, length);
  }

  /** A copy of the body bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  /** The body decoded as text. */
  public String toString(Charset charset) {
    return new String(bytes, 0, length, charset);
  }

  @Override
  public String toString() {
    return "CapturedBody[" + length + " bytes" + (decoded ? ", decoded" : "") + "]";
  }
}
