package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input list, end to end in Jetty, played by a capped caller (BR: up to mid-*,
 * bigger substituted with mid-1): every encoding gets a defined answer, and none reaches the
 * application with a model above the cap.
 */
class BadInputTest {

  @TempDir static Path dir;
  static JettyFixture jetty;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    jetty = new JettyFixture(dir, b -> b.maxBodySize(64 * 1024));
    base = jetty.base;
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
  }

  static Stream<Arguments> bodies() {
    String deep = "{\"model\":\"big-1\",\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
    return Stream.of(
        Arguments.of(
            "two model keys",
            "{\"model\":\"small-1\",\"model\":\"big-1\"}",
            400,
            "ambiguous_model"),
        Arguments.of(
            "model key differing by case",
            "{\"Model\":\"big-1\",\"model\":\"small-1\"}",
            400,
            "ambiguous_model"),
        Arguments.of("escaped key", "{\"mod\\u0065l\":\"big-1\"}", 200, "mid-1"),
        Arguments.of("escaped value", "{\"model\":\"big\\u002d1\"}", 200, "mid-1"),
        Arguments.of("upper case", "{\"model\":\"BIG-1\"}", 200, "mid-1"),
        Arguments.of("surrounding spaces", "{\"model\":\"  big-1 \"}", 400, "model_invalid"),
        Arguments.of("number", "{\"model\":1}", 400, "model_invalid"),
        Arguments.of("array", "{\"model\":[\"big-1\"]}", 400, "model_invalid"),
        Arguments.of("object", "{\"model\":{\"id\":\"big-1\"}}", 400, "model_invalid"),
        Arguments.of("null", "{\"model\":null}", 400, "model_invalid"),
        Arguments.of("no model", "{\"messages\":[]}", 400, "model_missing"),
        Arguments.of("empty body", "", 400, "model_missing"),
        Arguments.of("comment", "{/* x */\"model\":\"big-1\"}", 400, "malformed_json"),
        Arguments.of(
            "trailing garbage",
            "{\"model\":\"small-1\"} {\"model\":\"big-1\"}",
            400,
            "malformed_json"),
        Arguments.of("top-level array", "[{\"model\":\"big-1\"}]", 400, "malformed_json"),
        Arguments.of("deep nesting", deep, 400, "malformed_json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void bodyEncodingsGetADefinedAnswer(String name, String body, int status, String expected) {
    HttpResponse<String> response = Http.post(base, "/v1/messages", Fixtures.BR, body);

    assertAnswer(response, status, expected);
  }

  @Test
  void byteOrderMarkIsSkippedAndTheModelStillRead() {
    HttpResponse<String> response =
        send(bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"model\":\"big-1\"}"));

    // Jackson, like most JSON readers an upstream would use, skips a UTF-8 byte-order mark.
    assertAnswer(response, 200, "mid-1");
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] bad = "{\"model\":\"big-1\",\"x\":\"\"}".getBytes(StandardCharsets.UTF_8);
    bad[bad.length - 3] = (byte) 0xC3; // a lead byte with no continuation
    HttpResponse<String> invalid = send(bad);

    assertAnswer(invalid, 400, "malformed_json");
  }

  @Test
  void bodyOverTheLimitIs413() throws IOException {
    // Decided by the declared length before any body byte is read. A raw socket sends only the
    // head,
    // so the answer cannot race a client that is still writing a body the server will not read.
    String status =
        statusLineOf(
            "POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + 70 * 1024
                + "\r\n\r\n",
            new byte[0]);

    assertThat(status).isEqualTo("HTTP/1.1 413");
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws IOException {
    String body = "{\"model\":\"small-1\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
    // The whole body is written before the answer is read, so the refusal cannot cut off a client
    // mid-write.
    byte[] chunked =
        bytes(
            (Integer.toHexString(body.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII),
            body + "\r\n0\r\n\r\n");

    String status =
        statusLineOf(
            "POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            chunked);

    assertThat(status).isEqualTo("HTTP/1.1 413");
  }

  private static String statusLineOf(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void chunkedBodyIsReadAndRewritten() {
    String body = "{\"model\":\"big-1\",\"n\":1}";
    HttpResponse<String> response =
        sendRequest(
            post("/v1/messages")
                .POST(GeofenceFilterTest.chunked(body.getBytes(StandardCharsets.UTF_8))));

    assertAnswer(response, 200, "mid-1");
    assertThat(Http.echo(response))
        .containsEntry("body", "{\"model\":\"mid-1\",\"n\":1}")
        .containsEntry("content-length", "23");
  }

  @ParameterizedTest
  @CsvSource({"gzip", "deflate"})
  void compressedBodiesAreDecodedAndRewritten(String coding) throws IOException {
    String body = "{\"model\":\"big-1\",\"n\":1}";
    byte[] encoded =
        coding.equals("gzip") ? GeofenceFilterTest.gzip(body) : GeofenceFilterTest.deflate(body);

    HttpResponse<String> response =
        sendRequest(
            post("/v1/messages")
                .header("Content-Encoding", coding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(encoded)));

    assertAnswer(response, 200, "mid-1");
    assertThat(Http.echo(response)).containsEntry("body", "{\"model\":\"mid-1\",\"n\":1}");
  }

  @Test
  void zipBombIs413() throws IOException {
    byte[] bomb =
        GeofenceFilterTest.gzip(
            "{\"model\":\"small-1\",\"pad\":\"" + "0".repeat(5_000_000) + "\"}");

    HttpResponse<String> response =
        sendRequest(
            post("/v1/messages")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb)));

    assertThat(bomb.length).isLessThan(64 * 1024);
    assertAnswer(response, 413, "body_too_large");
  }

  @Test
  void unknownContentEncodingIs415() {
    HttpResponse<String> response =
        sendRequest(
            post("/v1/messages")
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"big-1\"}")));

    assertAnswer(response, 415, "unsupported_content_encoding");
  }

  @ParameterizedTest
  @CsvSource({"text/plain", "application/x-www-form-urlencoded", "''"})
  void contentTypeDoesNotMatterTheContentDecides(String type) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/v1/messages"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"big-1\"}"));
    if (!type.isEmpty()) {
      request.header("Content-Type", type);
    }

    assertAnswer(Http.send(request, Fixtures.BR), 200, "mid-1");
  }

  @Test
  void bodyReadThroughTheReaderIsTheRewrittenOne() {
    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"big-1\"}", "x-read", "reader");

    assertThat(Http.echo(response)).containsEntry("body", "{\"model\":\"mid-1\"}");
  }

  @ParameterizedTest
  @CsvSource({
    "/v1//messages",
    "/v1/./messages",
    "/v1/x/../messages",
    "/v1/%6Dessages",
    "/v1/messages;jsessionid=1",
    "/V1/MESSAGES",
    "/v1/messages/"
  })
  void pathSpellingsStillMatchTheRoute(String path) throws IOException {
    HttpResponse<String> response = raw("POST " + path + " HTTP/1.1", "{\"model\":\"big-1\"}");

    // Either the container refuses the spelling, or the filter saw the route and substituted.
    if (response.statusCode() == 200) {
      assertThat(Http.echo(response)).containsEntry("model", "mid-1");
    } else {
      assertThat(response.statusCode()).isEqualTo(400);
    }
  }

  @ParameterizedTest
  @CsvSource({"/v1/%2e%2e/v1/messages", "/v1/%2e/messages", "/v1%2Fmessages", "/v1/messages%3Bx=1"})
  void encodedDotsAndSeparatorsAreRefused(String path) throws IOException {
    assertThat(raw("POST " + path + " HTTP/1.1", "{\"model\":\"big-1\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void pathModelWithTricksIsRead() {
    HttpResponse<String> response =
        Http.post(base, "/v1beta//models/./big-2:generateContent", Fixtures.BR, "{}");

    assertThat(response.statusCode()).isIn(200, 400);
    if (response.statusCode() == 200) {
      assertThat(Http.echo(response).get("uri")).isEqualTo("/v1beta/models/mid-1:generateContent");
    }
  }

  @ParameterizedTest
  @CsvSource({"GET", "PUT", "DELETE", "PATCH"})
  void otherMethodsOnAModelRouteAre405(String method) {
    HttpResponse<String> response =
        sendRequest(
            HttpRequest.newBuilder(base.resolve("/v1/messages"))
                .method(method, HttpRequest.BodyPublishers.ofString("{\"model\":\"big-1\"}")));

    assertAnswer(response, 405, "method_not_allowed");
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void expectContinueIsHonoured() {
    HttpResponse<String> response =
        sendRequest(
            post("/v1/messages")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"big-1\"}")));

    assertAnswer(response, 200, "mid-1");
  }

  @Test
  void expectContinueWithAnOversizedLengthIs413WithoutSendingTheBody() throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                  + Fixtures.BR
                  + "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void headerModelSentTwiceIsAmbiguous() throws IOException {
    HttpResponse<String> response =
        raw("POST /h/x HTTP/1.1\r\nx-model: small-1\r\nx-model: big-1", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @ParameterizedTest
  @CsvSource({
    "model=small-1&model=big-1, 400",
    "MODEL=big-1&model=small-1, 400",
    "model=%zz, 400",
    "model=big-1, 200"
  })
  void queryModels(String query, int status) throws IOException {
    HttpResponse<String> response = raw("POST /q/x?" + query + " HTTP/1.1", "{}");

    assertThat(response.statusCode()).isEqualTo(status);
    if (status == 200) {
      assertThat(Http.echo(response))
          .containsEntry("param-model", "mid-1")
          .containsEntry("query", "model=mid-1");
    }
  }

  private static void assertAnswer(HttpResponse<String> response, int status, String expected) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 200) {
      Map<String, String> echo = Http.echo(response);
      assertThat(echo.get("model")).isEqualTo(expected);
    } else {
      assertThat(Http.json(response).get("reason").asText()).isEqualTo(expected);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/problem+json");
    }
  }

  private static HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
  }

  private static HttpResponse<String> sendRequest(HttpRequest.Builder request) {
    return Http.send(request, Fixtures.BR);
  }

  private static HttpResponse<String> send(byte[] body) {
    return sendRequest(post("/v1/messages").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static byte[] bytes(byte[] prefix, String text) {
    byte[] rest = text.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[prefix.length + rest.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(rest, 0, all, prefix.length, rest.length);
    return all;
  }

  /**
   * Sends a request line (and extra header lines) exactly as written: no client normalises the
   * path.
   */
  private static HttpResponse<String> raw(String requestLine, String body) throws IOException {
    return RawHttp.send(base, requestLine + "\r\nX-Forwarded-For: " + Fixtures.BR, body);
  }
}
