package dev.geofence.filter.internal.body;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body once into memory, bounded, and decodes {@code gzip}/{@code deflate} so the
 * body can be inspected. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <ul>
 *   <li>A declared {@code Content-Length} above the limit answers 413 without reading a byte (so an
 *       {@code Expect: 100-continue} client is never told to send it). A body without a length
 *       (chunked) is read until it ends or passes the limit, then 413; the rest is never read.
 *   <li>{@code Content-Encoding: gzip}, {@code x-gzip} and {@code deflate} (zlib or raw) are
 *       decoded, in reverse order when several are listed; the decoded size is bounded by the same
 *       limit (a zip bomb answers 413 after inflating at most limit + 1 bytes); a corrupt or
 *       truncated stream answers 400. {@code identity} is ignored. Any other coding, or any coding
 *       when decompression is off, answers 415 before the body is read.
 *   <li>A decoded body replaces the original: the application receives exactly the bytes that were
 *       inspected, without {@code Content-Encoding}, because decoders disagree on edge cases such
 *       as concatenated gzip members and trailing garbage.
 * </ul>
 */
public final class BodyCapture {
  private static final Logger LOG = LoggerFactory.getLogger(BodyCapture.class);

  /** The default limit, 4 MiB: a prompt with a few images. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

  /** The largest accepted limit, 1 GiB. */
  public static final long MAX_LIMIT = 1L << 30;

  private final long maxBytes;
  private final boolean decompress;

  private BodyCapture(long maxBytes, boolean decompress) {
    this.maxBytes = maxBytes;
    this.decompress = decompress;
  }

  /** A capture with the default limit and decompression on. */
  public static BodyCapture defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The limit on the body size, as sent and as decoded. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Whether gzip and deflate bodies are decoded (otherwise answered 415). */
  public boolean decompress() {
    return decompress;
  }

  /**
   * Reads the request's whole body. Call once, before anything else reads the body; then hand the
   * result to {@link ReplayingRequest} so the application can read it again.
   *
   * @return the body, or a rejection: 413 too large, 415 unsupported encoding, 400 corrupt encoding
   *     or unreadable (the client went away or sent less than announced)
   */
  public Checked<CapturedBody> read(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    List<String> encodings = new ArrayList<>();
    for (String header : Collections.list(request.getHeaders("Content-Encoding"))) {
      encodings.add(header);
    }
    Checked<List<String>> codings = codings(encodings);
    if (codings.isRefused()) {
      return Checked.refused(codings.refusal());
    }
    long length = request.getContentLengthLong();
    if (length > maxBytes) {
      return declaredTooLarge(length);
    }
    try {
      return read(request.getInputStream(), length, codings.value());
    } catch (IOException e) {
      return unreadable(e);
    }
  }

  /** Reads from a stream; {@code codings} as returned by {@link #codings(List)}. */
  Checked<CapturedBody> read(InputStream in, long declaredLength, List<String> codings) {
    if (declaredLength > maxBytes) {
      return declaredTooLarge(declaredLength);
    }
    BoundedBuffer raw;
    try {
      raw = BoundedBuffer.read(in, declaredLength, maxBytes);
    } catch (IOException e) {
      return unreadable(e);
    }
    if (raw.overflowed(maxBytes)) {
      return Checked.refused(
          RefusalReason.BODY_TOO_LARGE,
          "The request body is larger than the limit of " + maxBytes + " bytes.");
    }
    if (declaredLength >= 0 && raw.length() != declaredLength) {
      return Checked.refused(
          RefusalReason.BODY_UNREADABLE,
          "The request body ended after "
              + raw.length()
              + " of the "
              + declaredLength
              + " bytes announced by Content-Length.");
    }
    byte[] bytes = raw.array();
    int length = raw.length();
    // Codings are listed in the order they were applied, so undo them from the last.
    for (int i = codings.size() - 1; i >= 0; i--) {
      String coding = codings.get(i);
      try (InputStream decoder = decoder(coding, bytes, length)) {
        BoundedBuffer plain = BoundedBuffer.read(decoder, -1, maxBytes);
        if (plain.overflowed(maxBytes)) {
          return Checked.refused(
              RefusalReason.BODY_TOO_LARGE,
              "The "
                  + coding
                  + "-decoded request body is larger than the limit of "
                  + maxBytes
                  + " bytes.");
        }
        bytes = plain.array();
        length = plain.length();
      } catch (EOFException | ZipException e) {
        return Checked.refused(
            RefusalReason.MALFORMED_ENCODING,
            "The request body is not valid " + coding + " data (" + e.getMessage() + ").");
      } catch (IOException e) {
        return Checked.refused(
            RefusalReason.MALFORMED_ENCODING,
            "The request body could not be " + coding + "-decoded (" + e.getMessage() + ").");
      }
    }
    return Checked.ok(new CapturedBody(bytes, length, !codings.isEmpty()));
  }

  private Checked<CapturedBody> declaredTooLarge(long length) {
    return Checked.refused(
        RefusalReason.BODY_TOO_LARGE,
        "The request body of "
            + length
            + " bytes is larger than the limit of "
            + maxBytes
            + " bytes.");
  }

  /**
   * The codings to undo, lower case, without {@code identity}, from {@code Content-Encoding} header
   * values (each possibly a comma-separated list), or a 415 rejection.
   */
  Checked<List<String>> codings(List<String> headerValues) {
    List<String> codings = new ArrayList<>();
    for (String value : headerValues) {
      for (String token : value.split(",")) {
        String coding = token.trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
          continue;
        }
        boolean known =
            coding.equals("gzip") || coding.equals("x-gzip") || coding.equals("deflate");
        if (!known || !decompress) {
          String shown =
              token.trim().length() > 40 ? token.trim().substring(0, 40) + "..." : token.trim();
          return Checked.refused(
              RefusalReason.UNSUPPORTED_ENCODING,
              "Content-Encoding '"
                  + shown
                  + "' is not supported; expected "
                  + (decompress ? "gzip, deflate or identity." : "identity."));
        }
        codings.add(coding);
      }
    }
    return Checked.ok(List.copyOf(codings));
  }

  private static InputStream decoder(String coding, byte[] bytes, int length) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes, 0, length);
    if (!coding.equals("deflate")) {
      return new GZIPInputStream(in, 8192);
    }
    // "deflate" means zlib (RFC 9110), but some clients send raw deflate: tell them apart by the
    // zlib header (compression method 8, header checksum divisible by 31).
    boolean zlib =
        length >= 2
            && (bytes[0] & 0x0F) == 8
            && (((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF)) % 31 == 0;
    Inflater inflater = new Inflater(!zlib);
    return new InflaterInputStream(in, inflater, 8192) {
      @Override
      public void close() throws IOException {
        super.close();
        inflater.end();
      }
    };
  }

  private static Checked<CapturedBody> unreadable(IOException e) {
    LOG.debug("Request body could not be read", e);
    return Checked.refused(
        RefusalReason.BODY_UNREADABLE,
        "The request body could not be read (" + e.getClass().getSimpleName() + ").");
  }

  @Override
  public String toString() {
    return "BodyCapture[maxBytes=" + maxBytes + ", decompress=" + decompress + "]";
  }

  /** Builds a {@link BodyCapture}; options are validated when set. Not thread-safe. */
  public static final class Builder {
    private long maxBytes = DEFAULT_MAX_BYTES;
    private boolean decompress = true;

    private Builder() {}

    /**
     * The largest body accepted, as sent and once decoded (default 4 MiB).
     *
     * @throws IllegalArgumentException if not between 1 and 1 GiB
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1 || maxBytes > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "Body size limit "
                + maxBytes
                + " is out of range; expected 1 to "
                + MAX_LIMIT
                + " bytes.");
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Whether gzip and deflate bodies are decoded for inspection (default true); if not, they get
     * 415.
     */
    public Builder decompress(boolean decompress) {
      this.decompress = decompress;
      return this;
    }

    /** The capture. */
    public BodyCapture build() {
      return new BodyCapture(maxBytes, decompress);
    }
  }
}
