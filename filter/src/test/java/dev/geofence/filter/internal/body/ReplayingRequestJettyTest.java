package dev.geofence.filter.internal.body;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.RefusalFormat;
import dev.geofence.filter.internal.model.FoundModel;
import dev.geofence.filter.internal.model.ModelFinder;
import dev.geofence.filter.internal.model.ModelRequest;
import dev.geofence.filter.internal.model.ModelRewriter;
import dev.geofence.filter.internal.model.ModelRoutes;
import dev.geofence.filter.internal.model.PathNormalizer;
import dev.geofence.filter.internal.model.Route;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.Refusal;
import dev.geofence.filter.internal.response.RefusalWriter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replaying request in a real Jetty 12: a test filter captures the body the way the geofence
 * filter will, and servlets report exactly what the application sees.
 */
@Timeout(60)
class ReplayingRequestJettyTest {
  private static final String JSON =
      "{\"model\":\"claude-opus-4\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9 \u2615\"}]}";
  private static final byte[] JSON_BYTES = JSON.getBytes(StandardCharsets.UTF_8);

  private static TestServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            new ReplayFilter(),
            Map.of(
                "/stream/*", new EchoServlet(false),
                "/reader/*", new EchoServlet(true),
                "/async/*", new AsyncEchoServlet(),
                "/misuse/*", new MisuseServlet(),
                "/v1beta/models/*", new EchoServlet(false)));
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  private static Properties echo(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Properties seen = new Properties();
    seen.load(new StringReader(response.body()));
    return seen;
  }

  private static HttpRequest.Builder post(String path, byte[] body) {
    return HttpRequest.newBuilder(server.uri(path)).POST(BodyPublishers.ofByteArray(body));
  }

  private static HttpRequest.Builder postChunked(String path, byte[] body) {
    return HttpRequest.newBuilder(server.uri(path))
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
  }

  private static byte[] bodyOf(Properties seen) {
    return Base64.getDecoder().decode(seen.getProperty("body"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/stream/x", "/reader/x", "/async/x"})
  void the_application_reads_the_same_body_and_a_consistent_length_every_way(String path)
      throws Exception {
    Properties seen = echo(send(post(path, JSON_BYTES).header("Content-Type", "application/json")));

    assertThat(bodyOf(seen)).isEqualTo(JSON_BYTES);
    String length = Integer.toString(JSON_BYTES.length);
    assertThat(seen)
        .containsEntry("contentLength", length)
        .containsEntry("contentLengthLong", length)
        .containsEntry("header.Content-Length", length)
        .containsEntry("headers.Content-Length", "[" + length + "]")
        .containsEntry("intHeader.Content-Length", length)
        .containsEntry("finished", "true");
  }

  @Test
  void a_chunked_body_is_replayed_with_a_length_and_without_transfer_encoding() throws Exception {
    Properties seen = echo(send(postChunked("/stream/x", JSON_BYTES)));

    assertThat(bodyOf(seen)).isEqualTo(JSON_BYTES);
    assertThat(seen)
        .containsEntry("contentLength", Integer.toString(JSON_BYTES.length))
        .containsEntry("header.Transfer-Encoding", "null");
    assertThat(seen.getProperty("headerNames"))
        .contains("content-length")
        .doesNotContain("transfer-encoding");
  }

  @Test
  void a_gzip_body_is_replayed_decoded_without_content_encoding() throws Exception {
    byte[] gz = BodyCaptureTest.gzip(JSON_BYTES);

    Properties seen = echo(send(post("/stream/x", gz).header("Content-Encoding", "gzip")));

    assertThat(bodyOf(seen)).isEqualTo(JSON_BYTES);
    assertThat(seen)
        .containsEntry("contentLength", Integer.toString(JSON_BYTES.length))
        .containsEntry("header.Content-Encoding", "null");
    assertThat(seen.getProperty("headerNames")).doesNotContain("content-encoding");
  }

  @Test
  void the_reader_uses_the_charset_of_the_content_type() throws Exception {
    byte[] latin1 = "{\"model\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

    Properties seen =
        echo(
            send(
                post("/reader/x", latin1)
                    .header("Content-Type", "application/json; charset=ISO-8859-1")));

    assertThat(seen.getProperty("text")).isEqualTo("{\"model\":\"caf\u00e9\"}");
  }

  @Test
  void the_reader_defaults_to_utf8() throws Exception {
    Properties seen =
        echo(send(post("/reader/x", JSON_BYTES).header("Content-Type", "text/plain")));

    assertThat(seen.getProperty("text")).isEqualTo(JSON);
  }

  @Test
  void a_caller_cannot_forge_a_decision_header() throws Exception {
    Properties seen =
        echo(send(post("/stream/x", JSON_BYTES).header("X-Geofence-Decision", "allow")));

    assertThat(seen)
        .containsEntry("header.X-Geofence-Decision", "null")
        .containsEntry("headers.X-Geofence-Decision", "[]");
    assertThat(seen.getProperty("headerNames")).doesNotContain("x-geofence-decision");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/stream/x", "/reader/x", "/async/x"})
  void a_substituted_body_keeps_every_other_byte_and_its_new_length(String path) throws Exception {
    Properties seen =
        echo(send(postChunked(path, JSON_BYTES).header("X-Test-Substitute", "claude-haiku-4")));

    byte[] expected =
        JSON.replace("claude-opus-4", "claude-haiku-4").getBytes(StandardCharsets.UTF_8);
    assertThat(bodyOf(seen)).isEqualTo(expected);
    assertThat(seen)
        .containsEntry("contentLength", Integer.toString(expected.length))
        .containsEntry("header.Content-Length", Integer.toString(expected.length));
  }

  @Test
  void a_substituted_path_model_is_forwarded_to_the_rewritten_path_with_the_body()
      throws Exception {
    HttpResponse<String> response =
        send(
            post("/v1beta/./models/gemini-ultra:generateContent;jsessionid=1", JSON_BYTES)
                .header("X-Test-Substitute", "gemini-flash"));

    Properties seen = echo(response);
    assertThat(seen)
        .containsEntry("requestURI", "/v1beta/models/gemini-flash:generateContent")
        .containsEntry("pathInfo", "/gemini-flash:generateContent");
    assertThat(bodyOf(seen)).isEqualTo(JSON_BYTES);
  }

  @Test
  void a_substituted_header_model_replaces_every_value_of_the_header() throws Exception {
    Properties seen =
        echo(
            send(
                post("/stream/header", JSON_BYTES)
                    .header("X-Model", "big")
                    .header("X-Test-Substitute", "small")));

    assertThat(seen)
        .containsEntry("header.X-Model", "small")
        .containsEntry("headers.X-Model", "[small]");
    assertThat(seen.getProperty("headerNames")).containsOnlyOnce("x-model");
    assertThat(bodyOf(seen)).isEqualTo(JSON_BYTES);
  }

  @Test
  void a_substituted_query_model_changes_only_that_parameter() throws Exception {
    Properties seen =
        echo(
            send(
                post("/stream/query?a=1&model=big%26one&b=%41", JSON_BYTES)
                    .header("X-Test-Substitute", "small&one")));

    assertThat(seen)
        .containsEntry("query", "a=1&model=small%26one&b=%41")
        .containsEntry("param.model", "small&one")
        .containsEntry("params.model", "[small&one]")
        .containsEntry("paramMap.model", "[small&one]");
  }

  @Test
  void the_stream_and_the_reader_exclude_each_other_and_listeners_need_async_mode()
      throws Exception {
    Properties seen = echo(send(post("/misuse/x", JSON_BYTES)));

    assertThat(seen)
        .containsEntry("readerAfterStream", "IllegalStateException")
        .containsEntry("listenerWithoutAsync", "IllegalStateException");
  }

  @Test
  void a_declared_oversize_body_gets_413_instead_of_100_continue() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.send(
          "POST /stream/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
              + (ReplayFilter.LIMIT + 1)
              + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");

      assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 413 Payload Too Large");
      assertThat(raw.rest())
          .contains("Content-Type: application/problem+json", "\"reason\":\"body_too_large\"");
    }
  }

  @Test
  void a_body_within_the_limit_is_read_after_100_continue() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.send(
          "POST /stream/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
              + JSON_BYTES.length
              + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
      assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 100 Continue");
      raw.send(JSON);

      assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(raw.rest())
          .contains("body=" + Base64.getEncoder().encodeToString(JSON_BYTES).replace("=", "\\="));
    }
  }

  @Test
  void an_oversize_chunked_body_gets_413() throws Exception {
    // Written whole before the answer is read, so the refusal cannot race a client still sending.
    String body = "x".repeat(ReplayFilter.LIMIT * 2);
    try (RawClient raw = new RawClient(server.port())) {
      raw.send(
          "POST /stream/x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + Integer.toHexString(body.length())
              + "\r\n"
              + body
              + "\r\n0\r\n\r\n");

      assertThat(raw.statusLine()).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void an_unknown_content_encoding_gets_415() throws Exception {
    HttpResponse<String> response =
        send(post("/stream/x", JSON_BYTES).header("Content-Encoding", "br"));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("unsupported_content_encoding");
  }

  @Test
  void a_request_without_a_body_is_replayed_empty() throws Exception {
    Properties seen =
        echo(send(HttpRequest.newBuilder(server.uri("/stream/x")).POST(BodyPublishers.noBody())));

    assertThat(seen).containsEntry("contentLength", "0").containsEntry("body", "");
  }

  /**
   * Speaks HTTP/1.1 over a socket, for exchanges the JDK client cannot make (it waits forever on a
   * refused 100-continue).
   */
  private static final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    RawClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
    }

    void send(String text) throws IOException {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    /** The next status line, skipping the blank line after a 100 response. */
    String statusLine() throws IOException {
      String line = line();
      while (line.isEmpty()) {
        line = line();
      }
      if (line.startsWith("HTTP/1.1 100")) {
        line();
      }
      return line;
    }

    String rest() throws IOException {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          return line.toString();
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * Captures and replays like the geofence filter; rewrites when X-Test-Substitute names a model.
   */
  static final class ReplayFilter implements Filter {
    static final int LIMIT = 64 * 1024;
    private final BodyCapture capture = BodyCapture.builder().maxBytes(LIMIT).build();
    private final ModelRoutes routes =
        ModelRoutes.parse(
            "POST /v1beta/models/{model}:* path; POST /stream/header header:x-model; POST /stream/query query:model; * /* body");
    private final ModelFinder finder = ModelFinder.defaults();
    private final RefusalWriter refusals =
        RefusalWriter.of(RefusalFormat.PROBLEM, Optional.empty());

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      Checked<String> path =
          PathNormalizer.normalize(request.getRequestURI(), request.getContextPath());
      if (path.isRefused()) {
        refuse(response, path.refusal());
        return;
      }
      Route route = routes.match(request.getMethod(), path.value()).orElseThrow();
      Checked<CapturedBody> body = capture.read(request);
      if (body.isRefused()) {
        refuse(response, body.refusal());
        return;
      }
      ReplayingRequest.Builder replay =
          ReplayingRequest.builder(request).body(body.value()).removeHeader("X-Geofence-Decision");
      Optional<String> forwardTo = Optional.empty();
      String substitute = request.getHeader("X-Test-Substitute");
      if (substitute != null) {
        Checked<Optional<FoundModel>> found =
            finder.find(route, ModelRequest.of(request, path.value(), Optional.of(body.value())));
        if (found.isRefused()) {
          refuse(response, found.refusal());
          return;
        }
        forwardTo =
            ModelRewriter.apply(
                found.value().orElseThrow(), substitute, Optional.of(body.value()), replay);
      }
      if (forwardTo.isPresent()) {
        request.getRequestDispatcher(forwardTo.get()).forward(replay.build(), response);
      } else {
        chain.doFilter(replay.build(), response);
      }
    }

    private void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
      refusals.write(response, refusal);
    }
  }

  /** Reports what the application sees of the request, reading the body as a stream or a reader. */
  static final class EchoServlet extends HttpServlet {
    private final boolean useReader;

    EchoServlet(boolean useReader) {
      this.useReader = useReader;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Properties seen = describe(request);
      if (useReader) {
        StringBuilder text = new StringBuilder();
        Reader reader = request.getReader();
        char[] buffer = new char[100];
        for (int n; (n = reader.read(buffer)) >= 0; ) {
          text.append(buffer, 0, n);
        }
        seen.setProperty("text", text.toString());
        Charset charset =
            Charset.forName(Optional.ofNullable(request.getCharacterEncoding()).orElse("UTF-8"));
        seen.setProperty(
            "body", Base64.getEncoder().encodeToString(text.toString().getBytes(charset)));
        seen.setProperty("finished", "true");
      } else {
        ServletInputStream in = request.getInputStream();
        seen.setProperty("body", Base64.getEncoder().encodeToString(in.readAllBytes()));
        seen.setProperty("finished", Boolean.toString(in.isFinished()));
      }
      reply(response, seen);
    }
  }

  /** Reads the body with a ReadListener in async mode. */
  static final class AsyncEchoServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      AsyncContext async = request.startAsync();
      ServletInputStream in = request.getInputStream();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      in.setReadListener(
          new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
              byte[] buffer = new byte[7];
              while (in.isReady() && !in.isFinished()) {
                int n = in.read(buffer);
                if (n > 0) {
                  body.write(buffer, 0, n);
                }
              }
            }

            @Override
            public void onAllDataRead() throws IOException {
              Properties seen = describe(request);
              seen.setProperty("body", Base64.getEncoder().encodeToString(body.toByteArray()));
              seen.setProperty("finished", Boolean.toString(in.isFinished()));
              reply(response, seen);
              async.complete();
            }

            @Override
            public void onError(Throwable t) {
              response.setStatus(500);
              async.complete();
            }
          });
    }
  }

  /** Uses the body in ways the servlet specification forbids, and reports what was thrown. */
  static final class MisuseServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Properties seen = describe(request);
      ServletInputStream in = request.getInputStream();
      seen.setProperty("readerAfterStream", thrown(() -> request.getReader()));
      seen.setProperty(
          "listenerWithoutAsync",
          thrown(
              () ->
                  in.setReadListener(
                      new ReadListener() {
                        @Override
                        public void onDataAvailable() {}

                        @Override
                        public void onAllDataRead() {}

                        @Override
                        public void onError(Throwable t) {}
                      })));
      seen.setProperty("body", Base64.getEncoder().encodeToString(in.readAllBytes()));
      reply(response, seen);
    }

    private static String thrown(IoAction action) {
      try {
        action.run();
        return "nothing";
      } catch (Exception e) {
        return e.getClass().getSimpleName();
      }
    }

    private interface IoAction {
      void run() throws IOException;
    }
  }

  static Properties describe(HttpServletRequest request) {
    Properties seen = new Properties();
    seen.setProperty("requestURI", request.getRequestURI());
    seen.setProperty("pathInfo", String.valueOf(request.getPathInfo()));
    seen.setProperty("contentLength", Integer.toString(request.getContentLength()));
    seen.setProperty("contentLengthLong", Long.toString(request.getContentLengthLong()));
    seen.setProperty("query", String.valueOf(request.getQueryString()));
    seen.setProperty("param.model", String.valueOf(request.getParameter("model")));
    seen.setProperty(
        "params.model", java.util.Arrays.toString(request.getParameterValues("model")));
    seen.setProperty(
        "paramMap.model", java.util.Arrays.toString(request.getParameterMap().get("model")));
    for (String name :
        new String[] {
          "Content-Length",
          "Transfer-Encoding",
          "Content-Encoding",
          "X-Geofence-Decision",
          "X-Model"
        }) {
      seen.setProperty("header." + name, String.valueOf(request.getHeader(name)));
      seen.setProperty("headers." + name, Collections.list(request.getHeaders(name)).toString());
    }
    seen.setProperty(
        "intHeader.Content-Length", Integer.toString(request.getIntHeader("Content-Length")));
    seen.setProperty(
        "headerNames",
        Collections.list(request.getHeaderNames()).toString().toLowerCase(java.util.Locale.ROOT));
    return seen;
  }

  static void reply(HttpServletResponse response, Properties seen) throws IOException {
    response.setContentType("text/plain;charset=ISO-8859-1");
    seen.store(response.getOutputStream(), null);
  }
}
