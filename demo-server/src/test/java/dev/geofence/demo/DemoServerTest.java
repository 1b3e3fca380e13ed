package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditChainVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo server with its embedded policy and database, on a free port, over real HTTP. */
class DemoServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path temp;

  private DemoServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Path audit() {
    return temp.resolve("audit");
  }

  private DemoServer start(DemoConfig.Builder config) throws Exception {
    server = DemoServer.start(config.port(0).audit(audit()).build());
    return server;
  }

  private DemoServer start() throws Exception {
    return start(DemoConfig.builder());
  }

  @Test
  void callerFromChina_isRefusedWith451() throws Exception {
    start();

    HttpResponse<String> response = ask("36.96.0.1", "claude-haiku-4");

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(response.body()).contains("embargoed");
  }

  @Test
  void callerFromBrazilAskingForAFrontierModel_isServedTheSubstitute() throws Exception {
    start();

    HttpResponse<String> response = ask("152.240.0.1", "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("model").asText()).isEqualTo("claude-sonnet-4");
    assertThat(response.headers().firstValue("Geofence-Served-Model")).contains("claude-sonnet-4");
    assertThat(response.headers().firstValue("Geofence-Requested-Model")).contains("claude-opus-4");
  }

  @Test
  void aStreamedRequestFromBrazil_namesTheSubstituteInMessageStart_andIsRecordedOnce()
      throws Exception {
    start();
    String body = Banner.messageBody("claude-opus-4").replace("{", "{\"stream\":true,");

    HttpResponse<Stream<String>> response =
        HTTP.send(
            request("/v1/messages", "152.240.0.1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    List<String> names = new ArrayList<>();
    List<JsonNode> data = new ArrayList<>();
    response
        .body()
        .forEach(
            line -> {
              if (line.startsWith("event: ")) {
                names.add(line.substring(7));
              } else if (line.startsWith("data: ")) {
                data.add(read(line.substring(6)));
              }
            });

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
    assertThat(names.subList(names.size() - 3, names.size()))
        .containsExactly("content_block_stop", "message_delta", "message_stop");
    assertThat(names.subList(3, names.size() - 3)).containsOnly("content_block_delta");
    assertThat(data.get(0).path("message").path("model").asText()).isEqualTo("claude-sonnet-4");
    StringBuilder text = new StringBuilder();
    data.stream()
        .filter(d -> d.path("type").asText().equals("content_block_delta"))
        .forEach(d -> text.append(d.path("delta").path("text").asText()));
    assertThat(text.toString()).endsWith("received a request for claude-sonnet-4.");
    assertThat(names).hasSameSizeAs(data);

    server.close(); // flushes and closes the trail
    List<JsonNode> records = Trails.lines(trailFiles());
    assertThat(records)
        .extracting(r -> r.path("event").path("action").asText())
        .containsExactly("substitute");
    assertThat(records.get(0).path("http").path("response").path("status_code").asInt())
        .isEqualTo(200);
  }

  @Test
  void aBatchFromBrazil_reachesTheApplicationWithItsFrontierEntrySubstituted() throws Exception {
    start();
    String batch =
        "{\"requests\":["
            + "{\"custom_id\":\"a\",\"params\":"
            + Banner.messageBody("claude-haiku-4")
            + "},{\"custom_id\":\"b\",\"params\":"
            + Banner.messageBody("claude-opus-4")
            + "}]}";

    HttpResponse<String> brazil = post("/v1/messages/batches", "152.240.0.1", batch);
    HttpResponse<String> us = post("/v1/messages/batches", "6.0.0.1", batch);
    HttpResponse<String> china = post("/v1/messages/batches", "36.96.0.1", batch);

    assertThat(brazil.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(brazil.body());
    assertThat(answer.path("type").asText()).isEqualTo("message_batch");
    assertThat(answer.path("received_models").toString())
        .isEqualTo("[\"claude-haiku-4\",\"claude-sonnet-4\"]");
    assertThat(brazil.headers().firstValue("Geofence-Batch-Substituted")).contains("1");
    assertThat(JSON.readTree(us.body()).path("received_models").toString())
        .isEqualTo("[\"claude-haiku-4\",\"claude-opus-4\"]");
    assertThat(china.statusCode()).isEqualTo(451);
    assertThat(china.body()).contains("custom_id 'a', 'b'");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void callerFromTheUs_isServedAsAsked() throws Exception {
    start();

    HttpResponse<String> response = ask("6.0.0.1", "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode message = JSON.readTree(response.body());
    assertThat(message.path("model").asText()).isEqualTo("claude-opus-4");
    assertThat(message.path("type").asText()).isEqualTo("message");
    assertThat(message.path("content").get(0).path("text").asText()).contains("claude-opus-4");
    assertThat(response.headers().firstValue("Geofence-Served-Model")).isEmpty();
  }

  @Test
  void everyDecision_isAuditedInAChainedFile() throws Exception {
    start();
    ask("36.96.0.1", "claude-haiku-4");
    ask("152.240.0.1", "claude-opus-4");
    ask("6.0.0.1", "claude-opus-4");

    server.close(); // flushes and closes the trail

    List<Path> files = trailFiles();
    assertThat(AuditChainVerifier.verify(files).intact()).isTrue();
    List<JsonNode> records = Trails.lines(files);
    assertThat(records)
        .extracting(r -> r.path("event").path("action").asText())
        .containsExactly("block", "substitute", "allow");
    assertThat(records)
        .extracting(r -> r.path("source").path("geo").path("country_iso_code").asText())
        .containsExactly("CN", "BR", "US");
    assertThat(records.get(1).path("geofence").path("model").path("effective").asText())
        .isEqualTo("claude-sonnet-4");
    assertThat(records)
        .allSatisfy(
            r ->
                assertThat(r.path("geofence").path("policy").path("id").asText())
                    .isEqualTo("ai-export-controls"));
  }

  @Test
  void modelList_dependsOnTheCallersCountry() throws Exception {
    start();

    assertThat(modelIds("6.0.0.1"))
        .containsExactly(
            "claude-opus-4", "claude-sonnet-4", "claude-3-5-sonnet-20241022", "claude-haiku-4");
    assertThat(modelIds("152.240.0.1"))
        .containsExactly("claude-sonnet-4", "claude-3-5-sonnet-20241022", "claude-haiku-4");
    assertThat(get("/v1/models", "36.96.0.1").statusCode()).isEqualTo(451);
  }

  @Test
  void status_reportsPolicyDatabaseCacheDecisionsAndAudit() throws Exception {
    start();
    ask("36.96.0.1", "claude-haiku-4");
    ask("152.240.0.1", "claude-opus-4");
    ask("6.0.0.1", "claude-opus-4");
    ask("6.0.0.1", "claude-sonnet-4");

    HttpResponse<String> response = get("/geofence/status", "6.0.0.1");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode status = JSON.readTree(response.body());
    assertThat(status.path("geofence").asText()).isEqualTo("enabled");
    assertThat(status.path("policy").path("id").asText()).isEqualTo("ai-export-controls");
    assertThat(status.path("policy").path("version").asText()).isEqualTo("2026-11-28.1");
    assertThat(status.path("policy").path("sha256").asText()).hasSize(64);
    assertThat(status.path("policy").path("loaded_at").asText()).isNotEmpty();
    assertThat(status.path("policy").path("last_reload_error").isNull()).isTrue();
    assertThat(status.path("database").path("type").asText()).isEqualTo("GeoIP2-Country");
    assertThat(status.path("database").path("build_time").asText()).isNotEmpty();
    assertThat(status.path("database").path("path").asText()).endsWith(".mmdb");
    assertThat(status.path("database").path("last_reload_error").isNull()).isTrue();
    assertThat(
            status.path("cache").path("hits").asLong()
                + status.path("cache").path("misses").asLong())
        .isGreaterThanOrEqualTo(4);
    assertThat(status.path("decisions").path("allowed").asLong()).isEqualTo(2);
    assertThat(status.path("decisions").path("substituted").asLong()).isEqualTo(1);
    assertThat(status.path("decisions").path("blocked").asLong()).isEqualTo(1);
    assertThat(status.path("audit").path("lost").asLong()).isZero();
    assertThat(status.path("audit").path("directory").asText())
        .isEqualTo(audit().toAbsolutePath().toString());
    assertThat(status.path("audit").has("last_error_at")).isTrue();
    assertThat(status.path("audit").path("last_error_at").isNull()).as("never failed").isTrue();
  }

  @Test
  void withoutTrustedProxies_theForwardedHeaderIsIgnored() throws Exception {
    start(DemoConfig.builder().trustedProxies(TrustedProxies.none()));

    // The caller is then 127.0.0.1, which has no country: the policy's unknown section blocks
    // frontier models.
    HttpResponse<String> response = ask("6.0.0.1", "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(451);
  }

  @Test
  void withoutTheGeofence_everyCallerIsServedAsAskedAndNothingIsAudited() throws Exception {
    start(DemoConfig.builder().geofence(false));

    HttpResponse<String> response = ask("36.96.0.1", "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("model").asText()).isEqualTo("claude-opus-4");
    assertThat(modelIds("36.96.0.1")).hasSize(DemoModels.ALL.size());
    assertThat(JSON.readTree(get("/geofence/status", "6.0.0.1").body()).path("geofence").asText())
        .isEqualTo("disabled");
    assertThat(audit()).doesNotExist();
  }

  @Test
  void messageWithoutAModel_isABadRequestInTheApisShape() throws Exception {
    start(DemoConfig.builder().geofence(false));

    HttpResponse<String> response = post("/v1/messages", "6.0.0.1", "{\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").path("type").asText())
        .isEqualTo("invalid_request_error");
  }

  @Test
  void banner_namesPolicyDatabaseAuditAndTheCurlCommands() throws Exception {
    start();

    String banner = Banner.render(server);

    assertThat(banner)
        .contains("policy    ai-export-controls version 2026-11-28.1")
        .contains("database  GeoIP2-Country")
        .contains(audit().toAbsolutePath().toString())
        .contains("loopback (127.0.0.0/8, ::1) is trusted")
        .contains(
            "X-Forwarded-For: 36.96.0.1",
            "X-Forwarded-For: 152.240.0.1",
            "X-Forwarded-For: 6.0.0.1")
        .contains(server.uri() + "/v1/messages", server.uri() + "/geofence/status")
        .contains(server.uri() + "/geofence/policy");
  }

  // ---- helpers ----

  private HttpResponse<String> ask(String callerIp, String model) throws Exception {
    return post("/v1/messages", callerIp, Banner.messageBody(model));
  }

  private HttpResponse<String> post(String path, String callerIp, String body) throws Exception {
    return HTTP.send(
        request(path, callerIp)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String callerIp) throws Exception {
    return HTTP.send(request(path, callerIp).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String callerIp) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .header("X-Forwarded-For", callerIp)
        .timeout(Duration.ofSeconds(20));
  }

  private List<String> modelIds(String callerIp) throws Exception {
    HttpResponse<String> response = get("/v1/models", callerIp);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    JSON.readTree(response.body()).path("data").forEach(m -> ids.add(m.path("id").asText()));
    return ids;
  }

  private List<Path> trailFiles() throws IOException {
    try (Stream<Path> files = Files.list(audit())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }
}
