package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Endpoints whose model the filter cannot read or rewrite (batches, multipart uploads, async
 * invocations, realtime) are decided as the policy's highest tier, through the default routes in
 * Jetty: a caller capped below it (BR: up to mid-*, no model to substitute here) is refused, an
 * allied one (US) goes through with the body untouched, a sanctioned one (IR) is refused.
 */
class UnreadableModelTest {

  private static final String BOUNDARY = "geofence-boundary";
  private static final String MULTIPART =
      "--"
          + BOUNDARY
          + "\r\n"
          + "Content-Disposition: form-data; name=\"model\"\r\n\r\nbig-1\r\n"
          + "--"
          + BOUNDARY
          + "\r\n"
          + "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
          + "Content-Type: audio/wav\r\n\r\nRIFF....\r\n"
          + "--"
          + BOUNDARY
          + "--\r\n";

  @TempDir static Path dir;
  static JettyFixture jetty;

  @BeforeAll
  static void start() throws Exception {
    jetty = new JettyFixture(Files.createDirectories(dir.resolve("default")), b -> b);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
  }

  @AfterEach
  void forgetRecords() {
    jetty.audit.records.clear();
  }

  /**
   * Requests to endpoints that carry a model the filter cannot read. (Anthropic's Message Batches
   * are read entry by entry: {@code MessageBatchesTest}.)
   */
  static Stream<Arguments> unreadable() {
    return Stream.of(
        Arguments.of(
            "OpenAI batch",
            json(
                "/v1/batches",
                "{\"input_file_id\":\"file-1\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")),
        Arguments.of("multipart transcription", multipart("/v1/audio/transcriptions")),
        Arguments.of("multipart image edit", multipart("/v1/images/edits")),
        Arguments.of(
            "Bedrock async-invoke without modelId", json("/async-invoke", "{\"modelInput\":{}}")),
        Arguments.of(
            "realtime without a model",
            HttpRequest.newBuilder(jetty.base.resolve("/v1/realtime")).GET()),
        Arguments.of(
            "thread run without a model",
            json("/v1/threads/thread_1/runs", "{\"assistant_id\":\"asst_1\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void aCappedCallerIsRefused(String name, HttpRequest.Builder request) {
    HttpResponse<String> response = Http.send(request, Fixtures.BR);

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(Http.json(response).at("/detail").asText())
        .contains("BR", "whose model cannot be checked", "tier frontier", "rule 'rest'");
    AuditRecord record = jetty.audit.last();
    assertThat(record.action()).isEqualTo(AuditAction.BLOCK);
    assertThat(record.requestedTier()).isEqualTo("frontier");
    assertThat(record.requestedModel()).isEmpty();
    assertThat(record.reason()).contains("model unreadable, decided as tier frontier");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void anAlliedCallerGoesThroughUntouched(String name, HttpRequest.Builder request) {
    HttpRequest built = request.build();

    HttpResponse<String> response =
        Http.send(HttpRequest.newBuilder(built, (n, v) -> true), Fixtures.US);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response)).containsEntry("decision", "allow");
    if (built.method().equals("POST")) {
      assertThat(Http.echo(response).get("read")).isNotEqualTo("0");
    }
    if (name.startsWith("multipart")) {
      assertThat(Http.echo(response)).containsEntry("body", MULTIPART);
    }
    AuditRecord record = jetty.audit.last();
    assertThat(record.requestedTier()).isEqualTo("frontier");
    assertThat(record.reason()).contains("allowed by rule allies", "model unreadable");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void aSanctionedCallerIsRefused(String name, HttpRequest.Builder request) {
    HttpResponse<String> response = Http.send(request, Fixtures.IR);

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(Http.json(response).at("/rule").asText()).isEqualTo("sanctioned");
  }

  @Test
  void asyncInvokeReadsModelIdWhenGiven() {
    // Unknown callers may use small-* only, and the policy blocks rather than substitutes for them.
    HttpResponse<String> frontier =
        Http.send(
            json("/async-invoke", "{\"modelId\":\"big-1\",\"modelInput\":{}}"), Fixtures.NOWHERE);
    HttpResponse<String> small =
        Http.send(
            json("/async-invoke", "{\"modelId\":\"small-1\",\"modelInput\":{}}"), Fixtures.NOWHERE);
    // BR is substituted where the model can be rewritten: the application never sees big-1.
    HttpResponse<String> substituted =
        Http.send(json("/async-invoke", "{\"modelId\":\"big-1\",\"modelInput\":{}}"), Fixtures.BR);

    assertThat(frontier.statusCode()).isEqualTo(451);
    assertThat(jetty.audit.records.get(0).requestedModel()).isEqualTo("big-1");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(substituted.statusCode()).isEqualTo(200);
    assertThat(Http.echo(substituted).get("body"))
        .isEqualTo("{\"modelId\":\"mid-1\",\"modelInput\":{}}");
  }

  @Test
  void realtimeReadsTheModelFromTheQuery() {
    HttpResponse<String> response =
        Http.send(
            HttpRequest.newBuilder(jetty.base.resolve("/v1/realtime?model=big-1")).GET(),
            Fixtures.BR);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response)).containsEntry("param-model", "mid-1");
  }

  @Test
  void listingAndResultsOfBatchesGetTheCountryDecisionAlone() {
    HttpResponse<String> results =
        Http.send(
            HttpRequest.newBuilder(jetty.base.resolve("/v1/messages/batches/msgbatch_1/results"))
                .GET(),
            Fixtures.BR);
    HttpResponse<String> list =
        Http.send(HttpRequest.newBuilder(jetty.base.resolve("/v1/batches")).GET(), Fixtures.BR);
    HttpResponse<String> sanctioned =
        Http.send(
            HttpRequest.newBuilder(jetty.base.resolve("/v1/messages/batches/msgbatch_1/results"))
                .GET(),
            Fixtures.IR);

    assertThat(results.statusCode()).isEqualTo(200);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(sanctioned.statusCode()).isEqualTo(451);
  }

  @Test
  void unmatchedHighestRefusesACappedCallerAndAllowsAnAlliedOne(@TempDir Path own)
      throws Exception {
    try (JettyFixture highest =
        new JettyFixture(own, b -> b.unmatched(GeofenceSettings.Unmatched.HIGHEST))) {
      HttpResponse<String> capped =
          Http.send(
              HttpRequest.newBuilder(highest.base.resolve("/v1/unknown/endpoint"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"small-1\"}")),
              Fixtures.BR);
      HttpResponse<String> allied =
          Http.send(
              HttpRequest.newBuilder(highest.base.resolve("/v1/unknown/endpoint"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"big-1\"}")),
              Fixtures.US);
      // A model route is still decided by its model.
      HttpResponse<String> routed =
          Http.post(highest.base, "/v1/messages", Fixtures.BR, "{\"model\":\"small-1\"}");

      assertThat(capped.statusCode()).isEqualTo(451);
      assertThat(highest.audit.records.get(0).requestedTier()).isEqualTo("frontier");
      assertThat(allied.statusCode()).isEqualTo(200);
      assertThat(Http.echo(allied)).containsEntry("body", "{\"model\":\"big-1\"}");
      assertThat(routed.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unmatchedEvaluateStillAllowsACappedCallerOnAnUnknownPath() {
    // The default: the trade-off documented for 'unmatched'.
    HttpResponse<String> capped =
        Http.send(
            HttpRequest.newBuilder(jetty.base.resolve("/v1/unknown/endpoint"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")),
            Fixtures.BR);

    assertThat(capped.statusCode()).isEqualTo(200);
  }

  private static HttpRequest.Builder json(String path, String body) {
    return HttpRequest.newBuilder(jetty.base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  private static HttpRequest.Builder multipart(String path) {
    return HttpRequest.newBuilder(jetty.base.resolve(path))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofString(MULTIPART, StandardCharsets.UTF_8));
  }
}
