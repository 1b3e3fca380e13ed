package dev.geofence.filter.internal.body;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A request that replays a captured (possibly rewritten) body and shows overridden headers, query
 * string and parameter, so the application sees one consistent request: {@code getInputStream},
 * {@code getReader}, {@code getContentLength[Long]} and the {@code Content-Length} header all
 * describe the replayed body; {@code Transfer-Encoding} is hidden once a body is set, and {@code
 * Content-Encoding} too when the body was decoded. Header names compare ignoring case.
 *
 * <p>Build with {@link #builder(HttpServletRequest)}. Like any request, used by one thread at a
 * time.
 *
 * <pre>{@code
 * HttpServletRequest replay = ReplayingRequest.builder(request)
 *         .body(captured)
 *         .removeHeader("X-Geofence-Decision")   // callers must not forge decision headers
 *         .build();
 * chain.doFilter(replay, response);
 * }</pre>
 */
public final class ReplayingRequest extends HttpServletRequestWrapper {
  private static final String CONTENT_LENGTH = "content-length";
  private static final HeaderOverride NO_TRANSFER_ENCODING =
      new HeaderOverride("Transfer-Encoding", List.of());
  private static final HeaderOverride NO_CONTENT_ENCODING =
      new HeaderOverride("Content-Encoding", List.of());

  private final Optional<CapturedBody> body;

  /**
   * Lower-case name to override; an empty value list hides the header. The headers that follow the
   * body are not in it: {@link #override} makes them when asked, so that a request whose body is
   * only replayed (most of them) builds no map.
   */
  private final Map<String, HeaderOverride> headers;

  private final Optional<String> queryString;
  private final Map<String, String> parameters;
  private ReplayInputStream stream;
  private BufferedReader reader;

  private ReplayingRequest(Builder b) {
    super(b.request);
    this.body = Optional.ofNullable(b.body);
    this.headers = b.headers == null ? Map.of() : Map.copyOf(b.headers);
    this.queryString = Optional.ofNullable(b.queryString);
    this.parameters = b.parameters == null ? Map.of() : Map.copyOf(b.parameters);
  }

  /** A builder wrapping {@code request}. */
  public static Builder builder(HttpServletRequest request) {
    return new Builder(Objects.requireNonNull(request, "request"));
  }

  /** The replayed body, if one was set. */
  public Optional<CapturedBody> body() {
    return body;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (body.isEmpty()) {
      return super.getInputStream();
    }
    if (reader != null) {
      throw new IllegalStateException("getReader() was already called for this request.");
    }
    if (stream == null) {
      stream = new ReplayInputStream(body.get(), this);
    }
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (body.isEmpty()) {
      return super.getReader();
    }
    if (stream != null) {
      throw new IllegalStateException("getInputStream() was already called for this request.");
    }
    if (reader == null) {
      reader =
          new BufferedReader(
              new InputStreamReader(new ReplayInputStream(body.get(), this), charset()));
    }
    return reader;
  }

  private Charset charset() throws UnsupportedEncodingException {
    String name = getCharacterEncoding();
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new UnsupportedEncodingException("Unsupported request charset '" + name + "'.");
    }
  }

  @Override
  public int getContentLength() {
    return body.map(CapturedBody::length).orElseGet(super::getContentLength);
  }

  @Override
  public long getContentLengthLong() {
    return body.isPresent() ? body.get().length() : super.getContentLengthLong();
  }

  @Override
  public String getHeader(String name) {
    HeaderOverride override = override(name);
    if (override == null) {
      return super.getHeader(name);
    }
    return override.values().isEmpty() ? null : override.values().get(0);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    HeaderOverride override = override(name);
    return override == null ? super.getHeaders(name) : Collections.enumeration(override.values());
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Set<String> names = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    Enumeration<String> original = super.getHeaderNames();
    while (original != null && original.hasMoreElements()) {
      String name = original.nextElement();
      HeaderOverride override = override(name);
      if ((override == null || !override.values().isEmpty()) && seen.add(lower(name))) {
        names.add(override == null ? name : override.name());
      }
    }
    for (Map.Entry<String, HeaderOverride> e : headers.entrySet()) {
      // The body's own override wins over the builder's (a Content-Encoding set, then decoded).
      HeaderOverride shown = override(e.getValue().name());
      if (!shown.values().isEmpty() && seen.add(e.getKey())) {
        names.add(shown.name());
      }
    }
    if (body.isPresent() && seen.add(CONTENT_LENGTH)) {
      names.add("Content-Length");
    }
    return Collections.enumeration(names);
  }

  @Override
  public int getIntHeader(String name) {
    HeaderOverride override = override(name);
    if (override == null) {
      return super.getIntHeader(name);
    }
    return override.values().isEmpty() ? -1 : Integer.parseInt(override.values().get(0));
  }

  @Override
  public long getDateHeader(String name) {
    HeaderOverride override = override(name);
    if (override == null) {
      return super.getDateHeader(name);
    }
    if (override.values().isEmpty()) {
      return -1;
    }
    try {
      return ZonedDateTime.parse(override.values().get(0), DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Header " + name + " is not an HTTP date: " + override.values().get(0), e);
    }
  }

  @Override
  public String getQueryString() {
    return queryString.orElseGet(super::getQueryString);
  }

  @Override
  public String getParameter(String name) {
    String value = parameters.get(name);
    return value != null ? value : super.getParameter(name);
  }

  @Override
  public String[] getParameterValues(String name) {
    String value = parameters.get(name);
    return value != null ? new String[] {value} : super.getParameterValues(name);
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    if (parameters.isEmpty()) {
      return super.getParameterMap();
    }
    Map<String, String[]> map = new LinkedHashMap<>(super.getParameterMap());
    parameters.forEach((k, v) -> map.put(k, new String[] {v}));
    return Collections.unmodifiableMap(map);
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(getParameterMap().keySet());
  }

  /**
   * What this request shows instead of header {@code name}, or null to show the original: the
   * headers that follow the replayed body first ({@code Content-Length} its length, {@code
   * Transfer-Encoding} hidden, {@code Content-Encoding} hidden once decoded), then those the
   * builder set or removed.
   */
  private HeaderOverride override(String name) {
    if (name == null) {
      return headers.get("");
    }
    if (body.isPresent()) {
      if (name.equalsIgnoreCase(CONTENT_LENGTH)) {
        return new HeaderOverride("Content-Length", List.of(Integer.toString(body.get().length())));
      }
      if (name.equalsIgnoreCase(NO_TRANSFER_ENCODING.name())) {
        return NO_TRANSFER_ENCODING;
      }
      if (body.get().decoded() && name.equalsIgnoreCase(NO_CONTENT_ENCODING.name())) {
        return NO_CONTENT_ENCODING;
      }
    }
    return headers.isEmpty() ? null : headers.get(lower(name));
  }

  private static String lower(String name) {
    return name == null ? "" : name.toLowerCase(Locale.ROOT);
  }

  private record HeaderOverride(String name, List<String> values) {}

  /** Builds a {@link ReplayingRequest}; validates each option when set. Not thread-safe. */
  public static final class Builder {
    private final HttpServletRequest request;
    private CapturedBody body;
    // Made at the first override: most requests have none.
    private Map<String, HeaderOverride> headers;
    private String queryString;
    private Map<String, String> parameters;

    private Builder(HttpServletRequest request) {
      this.request = request;
    }

    /**
     * Replays {@code body}: sets {@code Content-Length} to its length, hides {@code
     * Transfer-Encoding}, and hides {@code Content-Encoding} when the body was decoded.
     */
    public Builder body(CapturedBody body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * Replaces every value of a header with {@code value}.
     *
     * @throws IllegalArgumentException if the name is not an HTTP token, is {@code Content-Length}
     *     or {@code Transfer-Encoding} (they follow the body), or the value contains CR, LF or NUL
     */
    public Builder setHeader(String name, String value) {
      checkName(name);
      Objects.requireNonNull(value, "value");
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IllegalArgumentException(
            "Header value for " + name + " contains CR, LF or NUL; expected a single-line value.");
      }
      headers().put(lower(name), new HeaderOverride(name, List.of(value)));
      return this;
    }

    /** Hides a header, e.g. a decision header a caller tried to forge. */
    public Builder removeHeader(String name) {
      checkName(name);
      headers().put(lower(name), new HeaderOverride(name, List.of()));
      return this;
    }

    /**
     * Shows {@code queryString} instead of the original (raw, still encoded, without {@code ?}).
     */
    public Builder queryString(String queryString) {
      this.queryString = Objects.requireNonNull(queryString, "queryString");
      return this;
    }

    /** Shows {@code value} as the only value of parameter {@code name}. */
    public Builder parameter(String name, String value) {
      if (parameters == null) {
        parameters = new LinkedHashMap<>();
      }
      parameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The request. */
    public ReplayingRequest build() {
      return new ReplayingRequest(this);
    }

    private Map<String, HeaderOverride> headers() {
      if (headers == null) {
        headers = new LinkedHashMap<>();
      }
      return headers;
    }

    private static void checkName(String name) {
      Objects.requireNonNull(name, "name");
      boolean token =
          !name.isEmpty()
              && name.chars()
                  .allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
      if (!token) {
        throw new IllegalArgumentException(
            "Invalid header name '" + name + "'; expected an HTTP token such as X-Model.");
      }
      String key = lower(name);
      if (key.equals(CONTENT_LENGTH) || key.equals("transfer-encoding")) {
        throw new IllegalArgumentException(
            "Header " + name + " cannot be overridden; it follows the replayed body.");
      }
    }
  }
}
