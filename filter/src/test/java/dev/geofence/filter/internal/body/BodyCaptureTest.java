package dev.geofence.filter.internal.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BodyCaptureTest {
  private static final byte[] JSON =
      "{\"model\":\"claude-opus-4\",\"max_tokens\":1}".getBytes(StandardCharsets.UTF_8);
  private final BodyCapture capture = BodyCapture.builder().maxBytes(1024).build();

  private Checked<CapturedBody> read(byte[] sent, long declared, String... contentEncoding) {
    Checked<List<String>> codings = capture.codings(List.of(contentEncoding));
    if (codings.isRefused()) {
      return Checked.refused(codings.refusal());
    }
    return capture.read(new ByteArrayInputStream(sent), declared, codings.value());
  }

  @Test
  void captures_a_body_of_the_announced_length_without_decoding() {
    CapturedBody body = read(JSON, JSON.length).value();

    assertThat(body.toByteArray()).isEqualTo(JSON);
    assertThat(body.array()).hasSize(JSON.length);
    assertThat(body.decoded()).isFalse();
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 8191, 8192, 8193, 1024})
  void captures_a_chunked_body_of_any_size_up_to_the_limit(int size) {
    byte[] sent = new byte[size];
    Arrays.fill(sent, (byte) 'x');
    BodyCapture large = BodyCapture.builder().maxBytes(10_000).build();

    CapturedBody body = large.read(new ByteArrayInputStream(sent), -1, List.of()).value();

    assertThat(body.toByteArray()).isEqualTo(sent);
  }

  @Test
  void answers_413_for_a_declared_length_over_the_limit_without_reading() {
    InputStream untouchable =
        new InputStream() {
          @Override
          public int read() {
            throw new AssertionError("the body must not be read");
          }
        };

    Checked<CapturedBody> result = capture.read(untouchable, 1025, List.of());

    assertThat(result.refusal().reason()).contains(RefusalReason.BODY_TOO_LARGE);
    assertThat(result.refusal().status()).isEqualTo(413);
    assertThat(result.refusal().detail()).contains("1025 bytes is larger than the limit of 1024");
  }

  @Test
  void answers_413_for_an_endless_chunked_body_after_reading_just_past_the_limit() {
    CountingEndlessStream endless = new CountingEndlessStream();

    Checked<CapturedBody> result = capture.read(endless, -1, List.of());

    assertThat(result.refusal().reason()).contains(RefusalReason.BODY_TOO_LARGE);
    assertThat(endless.count).isEqualTo(1025);
  }

  @Test
  void accepts_a_body_of_exactly_the_limit() {
    byte[] sent = new byte[1024];

    assertThat(read(sent, -1).value().length()).isEqualTo(1024);
    assertThat(read(sent, 1024).value().length()).isEqualTo(1024);
  }

  @Test
  void answers_400_when_the_body_ends_before_its_announced_length() {
    Checked<CapturedBody> result = read(JSON, JSON.length + 10);

    assertThat(result.refusal().reason()).contains(RefusalReason.BODY_UNREADABLE);
    assertThat(result.refusal().detail())
        .contains("ended after " + JSON.length + " of the " + (JSON.length + 10));
  }

  @Test
  void answers_400_when_the_connection_fails() {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }
        };

    Checked<CapturedBody> result = capture.read(failing, -1, List.of());

    assertThat(result.refusal().reason()).contains(RefusalReason.BODY_UNREADABLE);
    assertThat(result.refusal().status()).isEqualTo(400);
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"gzip", "GZIP", "x-gzip", " gzip ", "identity, gzip", "gzip, identity"})
  void decodes_gzip_and_marks_the_body_decoded(String encoding) {
    byte[] sent = gzip(JSON);

    CapturedBody body = read(sent, sent.length, encoding).value();

    assertThat(body.toByteArray()).isEqualTo(JSON);
    assertThat(body.decoded()).isTrue();
  }

  @Test
  void decodes_deflate_in_zlib_and_raw_form() {
    assertThat(read(deflate(JSON, false), -1, "deflate").value().toByteArray()).isEqualTo(JSON);
    assertThat(read(deflate(JSON, true), -1, "deflate").value().toByteArray()).isEqualTo(JSON);
  }

  @Test
  void undoes_stacked_codings_from_the_last_applied() {
    byte[] sent = gzip(deflate(JSON, false));

    assertThat(read(sent, -1, "deflate", "gzip").value().toByteArray()).isEqualTo(JSON);
    assertThat(read(sent, -1, "deflate, gzip").value().toByteArray()).isEqualTo(JSON);
  }

  @Test
  void decodes_concatenated_gzip_members_so_the_application_sees_all_of_them() {
    byte[] half = Arrays.copyOf(JSON, 10);
    byte[] rest = Arrays.copyOfRange(JSON, 10, JSON.length);
    byte[] a = gzip(half);
    byte[] b = gzip(rest);
    byte[] sent = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, sent, a.length, b.length);

    assertThat(read(sent, -1, "gzip").value().toByteArray()).isEqualTo(JSON);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gzip", "deflate"})
  void answers_413_for_a_zip_bomb(String encoding) {
    byte[] zeros = new byte[16 * 1024 * 1024];
    byte[] bomb = encoding.equals("gzip") ? gzip(zeros) : deflate(zeros, false);
    assertThat(bomb.length).isLessThan(32 * 1024);
    BodyCapture capture = BodyCapture.builder().maxBytes(1024 * 1024).build();

    Checked<CapturedBody> result =
        capture.read(new ByteArrayInputStream(bomb), bomb.length, List.of(encoding));

    assertThat(result.refusal().reason()).contains(RefusalReason.BODY_TOO_LARGE);
    assertThat(result.refusal().detail())
        .contains(encoding + "-decoded request body is larger than the limit of 1048576");
  }

  @Test
  void answers_400_for_corrupt_or_truncated_compressed_bodies() {
    byte[] gz = gzip(JSON);
    byte[] truncated = Arrays.copyOf(gz, gz.length - 12);
    byte[] corrupt = gz.clone();
    corrupt[gz.length / 2] ^= 0x55;

    for (byte[] sent : List.of(truncated, corrupt, JSON, new byte[0])) {
      Checked<CapturedBody> result = read(sent, -1, "gzip");
      assertThat(result.isRefused()).as("%s", result).isTrue();
      assertThat(result.refusal().reason()).contains(RefusalReason.MALFORMED_ENCODING);
    }
    assertThat(read(Arrays.copyOf(deflate(JSON, false), 8), -1, "deflate").refusal().reason())
        .contains(RefusalReason.MALFORMED_ENCODING);
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            br                | 'br'
            zstd              | 'zstd'
            compress          | 'compress'
            gzip, br          | 'br'
            x-unknown         | 'x-unknown'
            """)
  void answers_415_for_encodings_it_cannot_decode_before_reading(String encoding, String named) {
    Checked<List<String>> result = capture.codings(List.of(encoding));

    assertThat(result.refusal().reason()).contains(RefusalReason.UNSUPPORTED_ENCODING);
    assertThat(result.refusal().status()).isEqualTo(415);
    assertThat(result.refusal().detail())
        .contains(
            "Content-Encoding " + named + " is not supported; expected gzip, deflate or identity.");
  }

  @Test
  void answers_415_for_gzip_when_decompression_is_off() {
    BodyCapture strict = BodyCapture.builder().decompress(false).build();

    assertThat(strict.codings(List.of("gzip")).refusal().detail()).contains("expected identity.");
    assertThat(strict.codings(List.of("identity")).value()).isEmpty();
  }

  @Test
  void validates_the_limit_when_set() {
    assertThatThrownBy(() -> BodyCapture.builder().maxBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Body size limit 0 is out of range");
    assertThatThrownBy(() -> BodyCapture.builder().maxBytes(BodyCapture.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 1 to 1073741824 bytes");
    assertThat(BodyCapture.defaults().maxBytes()).isEqualTo(4L * 1024 * 1024);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] deflate(byte[] data, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, raw);
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater)) {
      d.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      deflater.end();
    }
    return out.toByteArray();
  }

  private static final class CountingEndlessStream extends InputStream {
    long count;

    @Override
    public int read() {
      count++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) 'x');
      count += len;
      return len;
    }
  }
}
