package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.address.TrustedProxies;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A capped caller (BR: up to mid-*, bigger models substituted with mid-1) and a blocked one (IR)
 * try every trick they can think of against the real filter in Jetty 12, and in Tomcat for the path
 * spellings the two containers read differently. Requests go over raw sockets, so nothing
 * normalises them on the way. Each row states the defined answer: the right decision, a refusal, or
 * the container's own 400; never the application seeing a model above the caller's limit.
 *
 * <p>Expected answers are written as {@code "200 mid-1"} (the application ran and read this model
 * from the body), {@code "200 path /model/mid-1/invoke"} (it ran on this path), {@code "400
 * malformed_path"} (the filter refused with this reason), {@code "451"} (the policy blocked),
 * {@code "400 container"} (the container refused before the filter ran), or {@code "200 unmatched"}
 * (neither the filter nor the container reads the path as a model route: country decision only).
 */
class BypassAttemptsTest {

  private static final String BIG = "{\"model\":\"big-1\"}";

  @TempDir static Path dir;

  /** Trusts the loopback peer: the test names the caller in X-Forwarded-For. */
  static JettyFixture jetty;

  /**
   * Trusts no proxy: the caller is the loopback peer, which is in no country (unknown: small-*
   * only).
   */
  static JettyFixture untrusted;

  static TomcatContainer tomcat;
  static URI tomcatBase;

  /** Jetty with an async servlet that reads the body with a ReadListener. */
  static Server asyncServer;

  static URI asyncBase;

  @BeforeAll
  static void start() throws Exception {
    jetty =
        new JettyFixture(
            Files.createDirectories(dir.resolve("jetty")),
            b -> b.maxBodySize(64 * 1024).decisionHeaders(true));
    untrusted =
        new JettyFixture(
            Files.createDirectories(dir.resolve("untrusted")),
            b -> b.trustedProxies(TrustedProxies.none()));
    Path tomcatDir = Files.createDirectories(dir.resolve("tomcat"));
    tomcat = new TomcatContainer();
    tomcatBase =
        tomcat.start(
            new GeofenceFilter(
                Fixtures.settings(Fixtures.files(tomcatDir))
                    .routes(FilterContractTest.ROUTES)
                    .build()),
            Map.of(),
            tomcatDir);
    asyncBase = startAsyncServer(Files.createDirectories(dir.resolve("async")));
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    untrusted.close();
    tomcat.close();
    asyncServer.stop();
  }

  // ---------------------------------------------------------------- paths

  static Stream<Arguments> paths() {
    return Stream.of(
        // Spellings both containers map to the model route: the filter must see the route too.
        row("/%761/messages", "200 mid-1", "200 mid-1"),
        row("/v1/mess%61ges", "200 mid-1", "200 mid-1"),
        row("/V1/Messages", "200 mid-1", "200 mid-1"),
        row("/v1/messages/", "200 mid-1", "200 mid-1"),
        row("/v1/messages/.", "200 mid-1", "200 mid-1"),
        row("/./v1/messages", "200 mid-1", "200 mid-1"),
        row("/x/../v1/messages", "200 mid-1", "200 mid-1"),
        row("/v1/messages;x=y/", "200 mid-1", "200 mid-1"),
        row("/v1;/messages", "200 mid-1", "200 mid-1"),
        row("/v1/messages;", "200 mid-1", "200 mid-1"),
        row("/v1/messages?x", "200 mid-1", "200 mid-1"),
        // Jetty refuses these as ambiguous; Tomcat collapses them, and so does the filter.
        row("//v1/messages", "400 container", "200 mid-1"),
        row("/;x/v1/messages", "400 container", "200 mid-1"),
        row("/v1/messages/..;/messages", "400 container", "200 mid-1"),
        // Encoded separators and dots: containers disagree, so the filter refuses them.
        row("/v1/messages%3Bx", "400 malformed_path", "400 malformed_path"),
        row("/v1%2Fmessages", "400 container", "400 container"),
        row("/v1/%2e%2e/v1/messages", "400 container", "400 malformed_path"),
        row("/v1/x/%2e%2e/messages", "400 container", "400 malformed_path"),
        // Rejected by both containers before any filter runs.
        row("/v1\\messages", "400 container", "400 container"),
        row("/v1/messages#frag", "400 container", "400 container"),
        row("/x#/../v1/messages", "400 container", "400 container"),
        row("/v1/messages%00", "400 container", "400 container"),
        row("http://evil.example/v1/messages", "400 container", "400 container"),
        row("v1/messages", "400 container", "400 container"),
        row("/\uFF561/messages", "400 container", "400 container"),
        // Decoded once by the filter and by the container alike: not the model route for either.
        row("/v1/%252e%252e/v1/messages", "400 container", "200 unmatched"),
        row("/%EF%BD%961/messages", "200 unmatched", "200 unmatched"),
        // Path models: the model the filter judges is the one in the path the application routes.
        row("/model/small-1/../big-1/invoke", "400 malformed_path", "400 malformed_path"),
        row(
            "/model/big%2D1/invoke",
            "200 path /model/mid-1/invoke", "200 path /model/mid-1/invoke"),
        row(
            "/v1beta/models/big-1%3AgenerateContent",
            "200 path /v1beta/models/mid-1:generateContent",
            "200 path /v1beta/models/mid-1:generateContent"),
        row(
            "/v1beta/models/big-1:generateContent:x",
            "200 path /v1beta/models/mid-1:generateContent:x",
            "200 path /v1beta/models/mid-1:generateContent:x"),
        row("/model/big-1%2Finvoke/invoke", "400 container", "400 container"),
        // A raw path that still names big-1 for anything reading getRequestURI (a proxy) is
        // refused.
        row("/model/big-1/../small-1/invoke", "400 malformed_path", "400 malformed_path"),
        row(
            "/v1beta/models/big-1:x/../../models/small-1:generateContent",
            "400 malformed_path",
            "400 malformed_path"));
  }

  @ParameterizedTest(name = "Jetty {0}")
  @MethodSource("paths")
  void pathSpellingsInJetty(String target, String jettyAnswer, String tomcatAnswer) {
    assertAnswer(exchange(jetty.base, post(target, "", BIG)), jettyAnswer, target);
  }

  @ParameterizedTest(name = "Tomcat {0}")
  @MethodSource("paths")
  void pathSpellingsInTomcat(String target, String jettyAnswer, String tomcatAnswer) {
    assertAnswer(exchange(tomcatBase, post(target, "", BIG)), tomcatAnswer, target);
  }

  // ---------------------------------------------------------------- methods

  static Stream<Arguments> methods() {
    return Stream.of(
        row("lower-case post", request("post /v1/messages", "", BIG), "405 method_not_allowed"),
        row("HEAD", request("HEAD /v1/messages", "", ""), "405"),
        row("OPTIONS", request("OPTIONS /v1/messages", "", ""), "405 method_not_allowed"),
        row(
            "GET with X-HTTP-Method-Override: POST",
            request("GET /v1/messages", "X-HTTP-Method-Override: POST\r\n", BIG),
            "405 method_not_allowed"),
        // GET on the listing route is decided by country alone; as a POST it would name big-1.
        row(
            "GET listing with X-HTTP-Method-Override: POST",
            request(
                "GET /v1/models/big-1:generateContent", "X-HTTP-Method-Override: POST\r\n", BIG),
            "405 method_not_allowed"),
        row(
            "GET listing with X-HTTP-Method: POST",
            request("GET /v1/models/big-1:generateContent", "X-HTTP-Method: post\r\n", BIG),
            "405 method_not_allowed"),
        row(
            "GET listing with X-Method-Override: POST",
            request("GET /v1/models/big-1:generateContent", "X-Method-Override: POST\r\n", BIG),
            "405 method_not_allowed"),
        row(
            "an override naming the method itself",
            request("POST /v1/messages", "X-HTTP-Method-Override: POST\r\n", BIG),
            "200 mid-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void methodTricks(String name, byte[] request, String expected) {
    assertAnswer(exchange(jetty.base, request), expected, name);
  }

  // ---------------------------------------------------------------- bodies

  static Stream<Arguments> bodies() {
    return Stream.of(
        row(
            "model and Model",
            json("{\"model\":\"small-1\",\"Model\":\"big-1\"}"),
            "400 ambiguous_model"),
        row(
            "model and MODEL escaped",
            json("{\"model\":\"small-1\",\"\\u004DODEL\":\"big-1\"}"),
            "400 ambiguous_model"),
        row(
            "key 'model ' with a space",
            json("{\"model\":\"small-1\",\"model \":\"big-1\"}"),
            "200 small-1"),
        row(
            "fully escaped key",
            json("{\"\\u006d\\u006f\\u0064\\u0065\\u006c\":\"big-1\"}"),
            "200 mid-1"),
        row("escaped value", json("{\"model\":\"\\u0062ig-1\"}"), "200 mid-1"),
        row(
            "second JSON document",
            json("{\"model\":\"small-1\"}\n{\"model\":\"big-1\"}"),
            "400 malformed_json"),
        row("UTF-16BE with BOM", bytes(BIG, "UTF-16"), "400 malformed_json"),
        row("UTF-16LE without BOM", bytes(BIG, "UTF-16LE"), "400 malformed_json"),
        row("UTF-32BE", bytes(BIG, "UTF-32BE"), "400 malformed_json"),
        row(
            "overlong UTF-8 'm'",
            concat(
                "{\"".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xC1, (byte) 0xAD},
                "odel\":\"big-1\"}".getBytes(StandardCharsets.US_ASCII)),
            "400 malformed_json"),
        row("raw NUL byte", json("{\"model\":\"big-1\u0000\"}"), "400 malformed_json"),
        row(
            "10,000 keys before model",
            json("{" + "\"k\":0,".repeat(10_000) + "\"model\":\"big-1\"}"),
            "200 mid-1"),
        row(
            "model 256 characters long",
            json("{\"model\":\"big-" + "x".repeat(252) + "\"}"),
            "200 mid-1"),
        row(
            "model 257 characters long",
            json("{\"model\":\"big-" + "x".repeat(253) + "\"}"),
            "400 model_invalid"),
        row(
            "model over 2048 characters",
            json("{\"model\":\"big-" + "x".repeat(20_000) + "\"}"),
            "400 model_invalid"),
        row("model with CR LF", json("{\"model\":\"big-1\\r\\nX-Evil: 1\"}"), "400 model_invalid"),
        row("model with escaped NUL", json("{\"model\":\"big-1\\u0000\"}"), "400 model_invalid"),
        row(
            "model with zero-width space",
            json("{\"model\":\"big-1\\u200B\"}"),
            "400 model_invalid"),
        row("model with no-break space", json("{\"model\":\"big-1\\u00A0\"}"), "400 model_invalid"),
        row(
            "model with byte-order mark",
            json("{\"model\":\"\\uFEFFbig-1\"}"),
            "400 model_invalid"),
        row(
            "model with a lone surrogate",
            json("{\"model\":\"big-1\\uD800\"}"),
            "400 model_invalid"),
        row("fullwidth model", json("{\"model\":\"\uFF42\uFF49\uFF47-1\"}"), "400 model_invalid"),
        row(
            "Cyrillic homoglyph: not ASCII",
            json("{\"model\":\"b\u0456g-1\"}"),
            "400 model_invalid"),
        row("version suffix", json("{\"model\":\"big-1@20250514\"}"), "200 mid-1"),
        row("model with surrounding spaces", json("{\"model\":\" big-1 \"}"), "400 model_invalid"),
        row(
            "a path step that a gateway resolves to another model",
            json("{\"model\":\"small-1/../big-1\"}"),
            "400 model_invalid"),
        row(
            "a percent-encoded path step",
            json("{\"model\":\"small-1/%2e%2e/big-1\"}"),
            "400 model_invalid"),
        row(
            "Tomcat's path-parameter dot segment",
            json("{\"model\":\"small-1/..;/big-1\"}"),
            "400 model_invalid"),
        row(
            "a second model hidden behind white space",
            json("{\"model\":\"small-1" + " ".repeat(250) + "big-1\"}"),
            "400 model_invalid"),
        row(
            "a query string in the model",
            json("{\"model\":\"small-1?x=big-1\"}"),
            "400 model_invalid"),
        row("a fragment in the model", json("{\"model\":\"small-1#big-1\"}"), "400 model_invalid"),
        row(
            "a backslash in the model",
            json("{\"model\":\"small-1\\\\..\\\\big-1\"}"),
            "400 model_invalid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void bodyTricks(String name, byte[] body, String expected) {
    assertAnswer(
        exchange(
            jetty.base,
            concat(
                head("POST /v1/messages", "Content-Type: application/json\r\n", body.length),
                body)),
        expected,
        name);
  }

  @Test
  void jsonSentAsAFormWithTheModelAlsoInTheQueryIsJudgedByTheBody() {
    Answer answer =
        exchange(
            jetty.base,
            request(
                "POST /v1/messages?model=small-1",
                "Content-Type: application/x-www-form-urlencoded\r\n",
                BIG));

    assertAnswer(answer, "200 mid-1", "form");
  }

  @Test
  void aFormModelNextToAQueryModelIsNotWhatTheApplicationReads() {
    // On a query route the servlet API puts query parameters before form parameters.
    Answer answer =
        exchange(
            jetty.base,
            request(
                "POST /q/x?model=small-1",
                "Content-Type: application/x-www-form-urlencoded\r\n",
                "model=big-1&model=big-2"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.echo())
        .containsEntry("param-model", "small-1")
        .containsEntry("x-geofence-model", "small-1");
  }

  static Stream<Arguments> headerModels() {
    return Stream.of(
        row("two lines", "x-model: small-1\r\nx-model: big-1\r\n", "400 ambiguous_model"),
        row("a list in one line", "x-model: small-1, big-1\r\n", "400 ambiguous_model"),
        row("name with different case", "X-MODEL: big-1\r\n", "200 header mid-1"),
        row("space before the colon", "x-model : big-1\r\n", "400 container"),
        row("percent-encoded model: not a model id", "x-model: big%2D1\r\n", "400 model_invalid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerModels")
  void headerModelTricks(String name, String header, String expected) {
    assertAnswer(exchange(jetty.base, request("POST /h/x", header, "{}")), expected, name);
  }

  // ---------------------------------------------------------------- caller address and decision
  // headers

  static Stream<Arguments> forwardingHeaders() {
    return Stream.of(
        // No trusted proxy: the loopback peer is the caller, in no country (unknown: small-* only).
        row(
            "forged headers from an untrusted peer",
            false,
            "X-Forwarded-For: "
                + Fixtures.US
                + "\r\nX-Forwarded-For: "
                + Fixtures.US
                + "\r\nForwarded: for="
                + Fixtures.US
                + "\r\nX-Real-IP: "
                + Fixtures.US
                + "\r\n",
            "451"),
        // The loopback peer is trusted from here on.
        row(
            "two X-Forwarded-For lines, walked from the right",
            true,
            "X-Forwarded-For: " + Fixtures.US + "\r\nX-Forwarded-For: " + Fixtures.IR + "\r\n",
            "451"),
        row(
            "X-Forwarded-For folded over two lines",
            true,
            "X-Forwarded-For: " + Fixtures.IR + ",\r\n " + Fixtures.US + "\r\n",
            "400 container"),
        row(
            "Forwarded when X-Forwarded-For is configured",
            true,
            "Forwarded: for=" + Fixtures.US + "\r\nX-Forwarded-For: " + Fixtures.IR + "\r\n",
            "451"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forwardingHeaders")
  void forwardingHeaderTricks(String name, boolean trusted, String headers, String expected) {
    byte[] head =
        ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + headers
                + "Content-Length: 17\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    assertAnswer(
        exchange(trusted ? jetty.base : untrusted.base, concat(head, json(BIG))), expected, name);
    if (!trusted) {
      assertThat(untrusted.audit.last().sourceIp().map(java.net.InetAddress::getHostAddress))
          .hasValue("127.0.0.1");
    }
  }

  @Test
  void callerSentDecisionHeadersInAnySpellingNeverReachTheApplication() {
    Answer answer =
        exchange(
            asyncBase,
            request(
                "POST /v1/messages",
                "x-GEOFENCE-country: US\r\nX-Geofence-Action: allow\r\n"
                    + "X_Geofence_Model: big-1\r\nx_geofence_rule: allies\r\nX-Geofence_Country: US\r\n",
                BIG));

    assertThat(answer.status()).isEqualTo(200);
    // The application sees only the filter's own headers, once each.
    assertThat(answer.echo())
        .containsEntry(
            "headers",
            "x-geofence-action=substitute,x-geofence-country=BR,"
                + "x-geofence-model=mid-1,x-geofence-rule=rest")
        .containsEntry("model", "mid-1");
  }

  // ---------------------------------------------------------------- transfer and content codings

  static Stream<Arguments> transfers() throws IOException {
    byte[] big = BIG.getBytes(StandardCharsets.US_ASCII);
    byte[] gzip = gzip(big);
    byte[] gzipTwice = gzip(gzip);
    byte[] firstHalf = gzip("{\"model\":\"sma".getBytes(StandardCharsets.US_ASCII));
    byte[] secondHalf = gzip("ll-1\"}".getBytes(StandardCharsets.US_ASCII));
    return Stream.of(
        row(
            "chunked plus Content-Length",
            raw(
                "POST /v1/messages",
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                concat(
                    "11\r\n".getBytes(StandardCharsets.US_ASCII),
                    big,
                    "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))),
            "400 container"),
        row(
            "two Content-Length headers",
            raw(
                "POST /v1/messages",
                "Content-Length: 17\r\nContent-Length: 18\r\n",
                concat(big, new byte[] {' '})),
            "400 container"),
        row(
            "chunked with an extension",
            raw(
                "POST /v1/messages",
                "Transfer-Encoding: chunked\r\n",
                concat(
                    "11;x=y\r\n".getBytes(StandardCharsets.US_ASCII),
                    big,
                    "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))),
            "200 mid-1"),
        row("gzip, gzip", coded("gzip, gzip", gzipTwice), "200 mid-1"),
        row(
            "gzip twice as two lines",
            raw(
                "POST /v1/messages",
                "Content-Encoding: gzip\r\nContent-Encoding: gzip\r\n"
                    + "Content-Length: "
                    + gzipTwice.length
                    + "\r\n",
                gzipTwice),
            "200 mid-1"),
        row(
            "gzip, gzip on a body gzipped once",
            coded("gzip, gzip", gzip),
            "400 malformed_content_encoding"),
        row("GZIP", coded("GZIP", gzip), "200 mid-1"),
        row("x-gzip", coded("x-gzip", gzip), "200 mid-1"),
        row("identity", coded("identity", big), "200 mid-1"),
        row("identity, gzip", coded("identity, gzip", gzip), "200 mid-1"),
        row(
            "gzip with trailing garbage",
            coded(
                "gzip", concat(gzip, "{\"model\":\"big-2\"}".getBytes(StandardCharsets.US_ASCII))),
            "200 mid-1"),
        row("gzip in two members", coded("gzip", concat(firstHalf, secondHalf)), "200 small-1"),
        row("gzip declared, plain body", coded("gzip", big), "400 malformed_content_encoding"),
        row("gzip;q=1", coded("gzip;q=1", gzip), "415 unsupported_content_encoding"),
        row("br", coded("br", big), "415 unsupported_content_encoding"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transfers")
  void transferAndContentCodingTricks(String name, byte[] request, String expected) {
    Answer answer = exchange(jetty.base, request);

    assertAnswer(answer, expected, name);
    if (answer.status() == 200) {
      // The application reads exactly the decoded body that was inspected, with no coding left to
      // undo.
      assertThat(answer.echo().get("body")).startsWith("{\"model\":\"");
    }
  }

  @Test
  void expectContinueFromABlockedCountryIsBlocked() {
    Answer answer =
        exchange(
            jetty.base,
            concat(
                ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "X-Forwarded-For: "
                        + Fixtures.IR
                        + "\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII),
                BIG.getBytes(StandardCharsets.US_ASCII)));

    assertAnswer(answer, "451", "expect");
  }

  @Test
  void http10WithoutHostIsJudgedLikeAnyOther() {
    Answer answer =
        exchange(
            jetty.base,
            ("POST /v1/messages HTTP/1.0\r\nX-Forwarded-For: "
                    + Fixtures.BR
                    + "\r\nContent-Length: 17\r\n\r\n"
                    + BIG)
                .getBytes(StandardCharsets.US_ASCII));

    assertAnswer(answer, "200 mid-1", "HTTP/1.0");
  }

  @Test
  void everyPipelinedRequestIsJudged() {
    String small = "{\"model\":\"small-1\"}";
    byte[] pipeline =
        ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nContent-Length: "
                + small.length()
                + "\r\n\r\n"
                + small
                + "POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nContent-Length: 17\r\n\r\n"
                + BIG
                + "POST /model/big-1/invoke HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.IR
                + "\r\nConnection: close\r\n"
                + "Content-Length: 2\r\n\r\n{}")
            .getBytes(StandardCharsets.US_ASCII);

    List<Answer> answers = exchangeAll(jetty.base, pipeline);

    assertThat(answers).hasSize(3);
    assertAnswer(answers.get(0), "200 small-1", "first");
    assertAnswer(answers.get(1), "200 mid-1", "second");
    assertAnswer(answers.get(2), "451", "third");
  }

  @Test
  void aRequestHiddenInTheUnreadRestOfARefusedBodyIsNeverServed() {
    String hidden =
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
            + Fixtures.US
            + "\r\nConnection: close\r\nContent-Length: 17\r\n\r\n"
            + BIG;
    String pad = "x".repeat(70 * 1024);
    // Declared over the limit: refused on the header, and the body (holding a request) is not read
    // as requests.
    byte[] request =
        ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nContent-Length: "
                + (pad.length() + hidden.length())
                + "\r\n\r\n"
                + pad
                + hidden)
            .getBytes(StandardCharsets.US_ASCII);

    List<Answer> answers = exchangeAll(jetty.base, request);

    assertThat(answers).isNotEmpty();
    assertAnswer(answers.get(0), "413 body_too_large", "oversized");
    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isNotEqualTo(200));
  }

  @Test
  void anAsyncServletReadingWithAReadListenerReadsTheSubstitutedBody() {
    Answer answer =
        exchange(
            asyncBase,
            request(
                "POST /v1/chat/completions",
                "x-read: listener\r\n",
                "{\"stream\":true,\"model\":\"big-2\"}"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.echo()).containsEntry("body", "{\"stream\":true,\"model\":\"mid-1\"}");
  }

  // ---------------------------------------------------------------- the wire

  /** The expected answer, see the class comment. */
  private static void assertAnswer(Answer answer, String expected, String what) {
    String[] parts = expected.split(" ", 2);
    int status = Integer.parseInt(parts[0]);
    String detail = parts.length > 1 ? parts[1] : "";
    assertThat(answer.status()).as("%s: %s", what, answer.text()).isEqualTo(status);
    if (status == 200) {
      Map<String, String> echo = answer.echo();
      if (detail.startsWith("path ")) {
        assertThat(echo.get("uri")).as(what).isEqualTo(detail.substring(5));
      } else if (detail.startsWith("header ")) {
        assertThat(echo.get("header-model")).as(what).isEqualTo(detail.substring(7));
      } else if (detail.equals("unmatched")) {
        // Neither the filter nor the container reads this as the model route (the container decodes
        // once,
        // as the filter does): the application gets a path no model servlet is mapped to.
        assertThat(echo.get("decision")).as(what).isEqualTo("allow");
        assertThat(echo.get("uri")).as(what).isEqualTo(what);
      } else {
        assertThat(echo.get("model")).as("%s: %s", what, answer.head()).isEqualTo(detail);
      }
    } else if (detail.equals("container")) {
      assertThat(answer.text()).as(what).doesNotContain("\"reason\"").doesNotContain("method: ");
    } else if (!detail.isEmpty()) {
      assertThat(answer.text()).as(what).contains("\"reason\":\"" + detail + "\"");
    } else {
      assertThat(answer.text()).as(what).doesNotContain("method: ");
    }
  }

  private static Arguments row(Object... values) {
    return Arguments.of(values);
  }

  /** A POST as the capped caller with the given target and extra header lines. */
  private static byte[] post(String target, String headers, String body) {
    return request("POST " + target, headers, body);
  }

  /**
   * A request as the capped caller: the request line without the version, extra header lines, a
   * body.
   */
  private static byte[] request(String line, String headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return concat(head(line, headers, bytes.length), bytes);
  }

  private static byte[] head(String line, String headers, int length) {
    return (line
            + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
            + Fixtures.BR
            + "\r\nConnection: close\r\n"
            + headers
            + "Content-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A request whose framing headers are the caller's own: no Content-Length is added. */
  private static byte[] raw(String line, String headers, byte[] body) {
    return concat(
        (line
                + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                + Fixtures.BR
                + "\r\nConnection: close\r\n"
                + headers
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII),
        body);
  }

  private static byte[] coded(String coding, byte[] body) {
    return raw(
        "POST /v1/messages",
        "Content-Encoding: " + coding + "\r\nContent-Length: " + body.length + "\r\n",
        body);
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text, String charset) {
    return text.getBytes(java.nio.charset.Charset.forName(charset));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static Answer exchange(URI base, byte[] request) {
    List<Answer> answers = exchangeAll(base, request);
    assertThat(answers).as("answers to %s", new String(request, StandardCharsets.UTF_8)).hasSize(1);
    return answers.get(0);
  }

  /**
   * Writes the bytes, reads until the server closes, and splits the final answers (1xx skipped).
   */
  private static List<Answer> exchangeAll(URI base, byte[] request) {
    byte[] received;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(in);
      } catch (IOException e) {
        // A server that refuses a body may reset the connection after answering; keep what arrived.
      }
      received = in.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Answer.parseAll(new String(received, StandardCharsets.UTF_8));
  }

  /**
   * One HTTP answer: status, header lines and body (framed by Content-Length, chunked, or by the
   * close).
   */
  record Answer(int status, String head, String body) {
    static List<Answer> parseAll(String text) {
      List<Answer> answers = new ArrayList<>();
      int at = 0;
      while (at < text.length()) {
        int end = text.indexOf("\r\n\r\n", at);
        if (end < 0) {
          break;
        }
        String head = text.substring(at, end);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        // Interim answers have no body; a final one with no length that is not chunked ends with
        // the connection.
        int length = status < 200 ? 0 : text.length() - end - 4;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
          StringBuilder body = new StringBuilder();
          at = end + 4;
          for (int size;
              (size = Integer.parseInt(text.substring(at, text.indexOf("\r\n", at)).trim(), 16))
                  > 0; ) {
            int data = text.indexOf("\r\n", at) + 2;
            body.append(
                text, data, data + size); // the echoed bodies here are ASCII: characters are bytes
            at = data + size + 2;
          }
          answers.add(new Answer(status, head, body.toString()));
          at = text.indexOf("\r\n\r\n", at) + 4;
          continue;
        }
        int bodyEnd = Math.min(text.length(), end + 4 + length);
        if (status >= 200) {
          answers.add(new Answer(status, head, text.substring(end + 4, bodyEnd)));
        }
        at = bodyEnd;
      }
      return answers;
    }

    String text() {
      return head + "\n\n" + body;
    }

    /** The echo servlet's {@code name: value} lines, {@code body} last. */
    Map<String, String> echo() {
      Map<String, String> fields = new java.util.LinkedHashMap<>();
      int at = 0;
      while (at < body.length() && !body.startsWith("body: ", at)) {
        int end = body.indexOf('\n', at);
        String line = body.substring(at, end);
        int colon = line.indexOf(": ");
        fields.put(line.substring(0, colon), line.substring(colon + 2));
        at = end + 1;
      }
      fields.put("body", at < body.length() ? body.substring(at + 6) : "");
      return fields;
    }
  }

  // ---------------------------------------------------------------- an async application

  private static URI startAsyncServer(Path workDir) throws Exception {
    asyncServer = new Server();
    ServerConnector connector = new ServerConnector(asyncServer);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    asyncServer.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    GeofenceSettings settings =
        Fixtures.settings(Fixtures.files(workDir)).decisionHeaders(true).build();
    context.addFilter(
        new FilterHolder(new GeofenceFilter(settings)), "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder servlet = new ServletHolder(new AsyncEchoServlet());
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/*");
    asyncServer.setHandler(context);
    asyncServer.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /**
   * Reads the body with a ReadListener in async mode and answers with every header whose name, read
   * the CGI way ({@code _} as {@code -}), starts with {@code x-geofence-}, and the body.
   */
  static final class AsyncEchoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      AsyncContext async = request.startAsync();
      ServletInputStream in = request.getInputStream();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      in.setReadListener(
          new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
              byte[] buffer = new byte[256];
              while (in.isReady() && !in.isFinished()) {
                int n = in.read(buffer);
                if (n > 0) {
                  body.write(buffer, 0, n);
                }
              }
            }

            @Override
            public void onAllDataRead() throws IOException {
              List<String> headers = new ArrayList<>();
              for (String name : Collections.list(request.getHeaderNames())) {
                String cgi = name.toLowerCase(Locale.ROOT).replace('_', '-');
                if (cgi.startsWith("x-geofence-")
                    && !cgi.equals("x-geofence-request-id")
                    && !cgi.equals("x-geofence-policy")
                    && !cgi.equals("x-geofence-requested-model")) {
                  headers.add(
                      cgi + "=" + String.join("|", Collections.list(request.getHeaders(name))));
                }
              }
              Collections.sort(headers);
              String text = body.toString(StandardCharsets.UTF_8);
              String model = text.replaceAll("(?s).*\"model\":\"([^\"]*)\".*", "$1");
              response.setContentType("text/plain;charset=utf-8");
              response
                  .getOutputStream()
                  .write(
                      ("headers: "
                              + String.join(",", headers)
                              + "\nmodel: "
                              + model
                              + "\nbody: "
                              + text)
                          .getBytes(StandardCharsets.UTF_8));
              async.complete();
            }

            @Override
            public void onError(Throwable t) {
              async.complete();
            }
          });
    }
  }
}
