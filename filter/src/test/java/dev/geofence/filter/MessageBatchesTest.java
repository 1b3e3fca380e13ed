package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.IpPrivacy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/messages/batches} over HTTP on Jetty and Tomcat: each entry is decided for the
 * caller as a single message with its model would be, substituted entries are rewritten in place,
 * and a refused entry refuses the batch, naming it.
 */
class MessageBatchesTest {

  /** An allowed model for the capped caller, then a frontier model, also named in a message. */
  private static final String BATCH =
      """
      {"requests": [
        {"custom_id": "first", "params": {"model": "mid-2", "max_tokens": 8,
          "messages": [{"role": "user", "content": "big-1 is named here too"}]}},
        {"params": {"max_tokens": 8, "model" : "big-1",
          "messages": [{"role": "user", "content": "hé"}]}, "custom_id": "second"}
      ]}""";

  @TempDir Path dir;
  private final CapturingSink audit = new CapturingSink();
  private Container container;

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  private URI start(String server, UnaryOperator<GeofenceSettings.Builder> settings)
      throws Exception {
    container = server.equals("jetty") ? new JettyContainer() : new TomcatContainer();
    GeofenceFilter filter =
        new GeofenceFilter(settings.apply(Fixtures.settings(Fixtures.files(dir), audit)).build());
    return container.start(filter, Map.of(), dir);
  }

  private URI start(String server) throws Exception {
    return start(server, UnaryOperator.identity());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void aCappedCallersFrontierEntryReachesTheApplicationAsItsSubstitute(String server)
      throws Exception {
    URI base = start(server);

    HttpResponse<String> response = Http.post(base, "/v1/messages/batches", Fixtures.BR, BATCH);

    assertThat(response.statusCode()).isEqualTo(200);
    String expected = BATCH.replace("\"model\" : \"big-1\"", "\"model\" : \"mid-1\"");
    assertThat(Http.echo(response))
        .containsEntry("body", expected)
        .containsEntry(
            "content-length",
            Integer.toString(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(response.headers().firstValue(GeofenceSettings.BATCH_SUBSTITUTED_HEADER))
        .contains("1");
    assertThat(response.headers().firstValue(GeofenceSettings.DEFAULT_SERVED_MODEL_HEADER))
        .isEmpty();
    AuditRecord record = audit.last();
    assertThat(record.action().label()).isEqualTo("substitute");
    assertThat(record.batchEntries())
        .containsExactly(
            new AuditRecord.BatchEntry("first", "mid-2", "mid-2"),
            new AuditRecord.BatchEntry("second", "big-1", "mid-1"));
    assertThat(record.requestedModel()).isEmpty();
    assertThat(record.reason()).startsWith("batch of 2 entries, 1 substituted, 0 refused");
    assertThat(record.toJson(IpPrivacy.full()))
        .contains(
            "\"batch\":[{\"custom_id\":\"first\",\"requested\":\"mid-2\",\"effective\":\"mid-2\"},"
                + "{\"custom_id\":\"second\",\"requested\":\"big-1\",\"effective\":\"mid-1\"}]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void anAllysBatchArrivesUnchanged(String server) throws Exception {
    URI base = start(server);

    HttpResponse<String> response = Http.post(base, "/v1/messages/batches", Fixtures.US, BATCH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response)).containsEntry("body", BATCH);
    assertThat(response.headers().firstValue(GeofenceSettings.BATCH_SUBSTITUTED_HEADER)).isEmpty();
    assertThat(audit.last().action().label()).isEqualTo("allow");
    assertThat(audit.last().batchEntries())
        .extracting(AuditRecord.BatchEntry::effectiveModel)
        .containsExactly("mid-2", "big-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void aBlockedCountrysBatchGets451NamingTheRefusedEntries(String server) throws Exception {
    URI base = start(server);

    HttpResponse<String> response = Http.post(base, "/v1/messages/batches", Fixtures.IR, BATCH);

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(Http.json(response).get("detail").asText())
        .startsWith("The batch is refused because of 2 entries with custom_id 'first', 'second': ")
        .contains("not permitted by policy test-policy");
    assertThat(audit.last().action().label()).isEqualTo("block");
    assertThat(audit.last().statusCode()).isEqualTo(451);
    assertThat(audit.last().batchEntries())
        .containsExactly(
            new AuditRecord.BatchEntry("first", "mid-2", ""),
            new AuditRecord.BatchEntry("second", "big-1", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void aBatchWithAMalformedEntryGets400(String server) throws Exception {
    URI base = start(server);
    String ambiguous =
        BATCH.replace("\"model\" : \"big-1\"", "\"model\":\"mid-1\",\"Model\":\"big-1\"");
    String noParams = "{\"requests\":[{\"custom_id\":\"x\",\"param\":{\"model\":\"mid-1\"}}]}";

    HttpResponse<String> first = Http.post(base, "/v1/messages/batches", Fixtures.BR, ambiguous);
    HttpResponse<String> second = Http.post(base, "/v1/messages/batches", Fixtures.BR, noParams);

    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(Http.json(first).get("reason").asText()).isEqualTo("ambiguous_model");
    assertThat(Http.json(first).get("detail").asText())
        .isEqualTo(
            "requests[1].params has a field \"Model\" that differs from \"model\" only by case.");
    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(Http.json(second).get("reason").asText()).isEqualTo("malformed_batch");
    assertThat(audit.records).extracting(r -> r.statusCode()).containsExactly(400, 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void anEntryWithAnInvalidModelIdRefusesTheBatchWith400NamingIt(String server) throws Exception {
    URI base = start(server);
    String body = BATCH.replace("\"model\" : \"big-1\"", "\"model\" : \"big 1\"");

    HttpResponse<String> response = Http.post(base, "/v1/messages/batches", Fixtures.BR, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.json(response).get("detail").asText())
        .startsWith("The batch is refused because of the entry with custom_id 'second': ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void aBatchOverTheEntryLimitGets413(String server) throws Exception {
    URI base = start(server, s -> s.maxBatchEntries(1));

    HttpResponse<String> response = Http.post(base, "/v1/messages/batches", Fixtures.US, BATCH);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(Http.json(response).get("reason").asText()).isEqualTo("batch_too_large");
  }
}
