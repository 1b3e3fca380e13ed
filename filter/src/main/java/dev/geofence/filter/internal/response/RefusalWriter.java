package dev.geofence.filter.internal.response;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.geofence.filter.RefusalFormat;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders {@link Refusal}s in one {@link RefusalFormat} and writes them to servlet responses.
 * Immutable and safe to share between threads.
 *
 * <pre>{@code
 * RefusalWriter writer = RefusalWriter.of(RefusalFormat.ANTHROPIC, Optional.of(URI.create("https://example.com/policy")));
 * writer.write(response, refusal);
 * }</pre>
 */
public final class RefusalWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalWriter.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final RefusalFormat format;
  private final Optional<String> blockedByLink;

  private RefusalWriter(RefusalFormat format, Optional<String> blockedByLink) {
    this.format = format;
    this.blockedByLink = blockedByLink;
  }

  /**
   * A writer for the given format.
   *
   * @param format body shape
   * @param blockedBy where the blocking policy is published; sent as {@code Link: <url>;
   *     rel="blocked-by"} (RFC 7725) on 451 answers
   * @throws IllegalArgumentException if {@code blockedBy} is not an absolute http(s) URI
   */
  public static RefusalWriter of(RefusalFormat format, Optional<URI> blockedBy) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(blockedBy, "blockedBy");
    return new RefusalWriter(format, blockedBy.map(RefusalWriter::link));
  }

  private static String link(URI uri) {
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "Blocked-by URL '"
              + uri
              + "' is not an absolute http or https URL; expected e.g. https://example.com/policy.");
    }
    // toASCIIString percent-encodes anything that could break out of <...> or the header line.
    return "<" + uri.toASCIIString() + ">; rel=\"blocked-by\"";
  }

  /** The format this writer renders. */
  public RefusalFormat format() {
    return format;
  }

  /**
   * A refusal and its body as this writer renders it, made once for refusals that are answered
   * again and again, such as the block of a repeat caller. Immutable; {@link #write(
   * HttpServletResponse, Rendered)} of the writer that made it answers it without rendering.
   */
  public static final class Rendered {
    private final RefusalWriter writer;
    private final Refusal refusal;
    private final byte[] body; // never handed out: the writer copies it to the response only

    private Rendered(RefusalWriter writer, Refusal refusal, byte[] body) {
      this.writer = writer;
      this.refusal = refusal;
      this.body = body;
    }

    /** The refusal the body renders. */
    public Refusal refusal() {
      return refusal;
    }
  }

  /** The refusal rendered once, to be written as often as it is answered. */
  public Rendered rendered(Refusal refusal) {
    return new Rendered(this, refusal, render(refusal));
  }

  /** The refusal rendered as UTF-8 JSON in this writer's format. */
  public byte[] render(Refusal refusal) {
    Objects.requireNonNull(refusal, "refusal");
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      switch (format) {
        case PROBLEM -> problem(json, refusal);
        case ANTHROPIC -> anthropic(json, refusal);
        case OPENAI -> openai(json, refusal);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Rendering to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the refusal as the complete response: status, {@code Content-Type}, {@code
   * Content-Length}, {@code Cache-Control: no-store}, {@code Retry-After} when the refusal has one,
   * the blocked-by {@code Link} for 451, and the body. Headers already set by earlier filters (for
   * example CORS) are kept.
   *
   * @return false if the response was already committed and nothing could be written
   * @throws IOException if writing to the client fails
   */
  public boolean write(HttpServletResponse response, Refusal refusal) throws IOException {
    Objects.requireNonNull(response, "response");
    return write(response, refusal, render(refusal));
  }

  /**
   * Writes a refusal rendered earlier by this writer, as {@link #write(HttpServletResponse,
   * Refusal)} writes it, byte for byte, without rendering it again.
   *
   * @return false if the response was already committed and nothing could be written
   * @throws IllegalArgumentException if another writer rendered it
   * @throws IOException if writing to the client fails
   */
  public boolean write(HttpServletResponse response, Rendered rendered) throws IOException {
    Objects.requireNonNull(response, "response");
    if (rendered.writer != this) {
      // Another writer may render another format, whose body would not match this Content-Type.
      throw new IllegalArgumentException(
          "The refusal was rendered by another writer; render it with this one.");
    }
    return write(response, rendered.refusal, rendered.body);
  }

  private boolean write(HttpServletResponse response, Refusal refusal, byte[] body)
      throws IOException {
    if (response.isCommitted()) {
      LOG.warn("Cannot send {} refusal: the response is already committed", refusal.status());
      return false;
    }
    response.resetBuffer();
    response.setStatus(refusal.status());
    response.setContentType(format.contentType());
    response.setContentLength(body.length);
    response.setHeader("Cache-Control", "no-store");
    if (refusal.retryAfterSeconds() > 0) {
      response.setHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
    }
    if (refusal.status() == 451) {
      blockedByLink.ifPresent(link -> response.setHeader("Link", link));
    }
    response.getOutputStream().write(body);
    response.flushBuffer();
    return true;
  }

  private static void problem(JsonGenerator json, Refusal r) throws IOException {
    json.writeStartObject();
    json.writeStringField("type", r.type());
    json.writeStringField("title", r.title());
    json.writeNumberField("status", r.status());
    json.writeStringField("detail", r.detail());
    writeIfPresent(json, "policy", r.policyId());
    writeIfPresent(json, "policy_version", r.policyVersion());
    writeIfPresent(json, "rule", r.rule());
    writeIfPresent(json, "country", r.country());
    if (r.reason().isPresent()) {
      json.writeStringField("reason", r.reason().get().code());
    }
    json.writeEndObject();
  }

  private static void writeIfPresent(JsonGenerator json, String name, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      json.writeStringField(name, value.get());
    }
  }

  private static void anthropic(JsonGenerator json, Refusal r) throws IOException {
    json.writeStartObject();
    json.writeStringField("type", "error");
    json.writeObjectFieldStart("error");
    json.writeStringField("type", anthropicType(r.status()));
    json.writeStringField("message", r.detail());
    json.writeEndObject();
    json.writeEndObject();
  }

  /** The Anthropic error type a client SDK maps to the matching exception class. */
  static String anthropicType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403, 451 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  private static void openai(JsonGenerator json, Refusal r) throws IOException {
    boolean block = r.reason().isEmpty() && (r.status() == 403 || r.status() == 451);
    json.writeStartObject();
    json.writeObjectFieldStart("error");
    json.writeStringField("message", r.detail());
    json.writeStringField("type", block ? "request_forbidden" : openAiType(r.status()));
    json.writeNullField("param");
    // The code OpenAI itself sends when a country is not served, so SDK users see a familiar value.
    json.writeStringField(
        "code",
        block
            ? "unsupported_country_region_territory"
            : r.reason().map(RefusalReason::code).orElse(null));
    json.writeEndObject();
    json.writeEndObject();
  }

  private static String openAiType(int status) {
    if (status >= 500) {
      return "server_error";
    }
    if (status == 429) {
      return "rate_limit_exceeded"; // as OpenAI answers its own rate limits
    }
    return status == 403 || status == 451 ? "request_forbidden" : "invalid_request_error";
  }
}
