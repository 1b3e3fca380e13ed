package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures.CapturingSink;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions every Servlet 6 container must show the same way: run by {@link JettyFilterTest}
 * and {@link TomcatFilterTest} against a real server on a free port.
 */
abstract class FilterContractTest {

  static final String ROUTES =
      GeofenceSettings.DEFAULT_ROUTES + "\nPOST /h/* header:x-model\nPOST /q/* query:model";

  @TempDir Path dir;
  final CapturingSink audit = new CapturingSink();
  Container container;
  URI base;

  abstract Container newContainer();

  @BeforeEach
  void start() throws Exception {
    GeofenceSettings settings =
        Fixtures.settings(Fixtures.files(dir), audit)
            .routes(ROUTES)
            .policyUrl(URI.create("https://example.com/ai-policy"))
            .build();
    container = newContainer();
    base = container.start(new GeofenceFilter(settings), Map.of(), dir);
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  @Test
  void allowedCallerReachesTheApplicationUntouched() {
    String body =
        "{\"model\":\"big-1\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hé\"}]}";

    HttpResponse<String> response = Http.post(base, "/v1/messages", Fixtures.US, body);

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> echo = Http.echo(response);
    assertThat(echo)
        .containsEntry("model", "big-1")
        .containsEntry("decision", "allow")
        .containsEntry("body", body);
    assertThat(response.headers().firstValue(GeofenceSettings.DEFAULT_SERVED_MODEL_HEADER))
        .isEmpty();
    assertThat(audit.last().action().label()).isEqualTo("allow");
    assertThat(audit.last().statusCode()).isEqualTo(200);
  }

  @Test
  void substitutionInTheBodyChangesOnlyTheModelAndFixesTheLength() {
    String body =
        "{ \"messages\": [ {\"model\":\"keep-me\"} ],\n  \"model\" : \"big-2\" , \"stream\":true}";

    HttpResponse<String> response = Http.post(base, "/v1/chat/completions", Fixtures.BR, body);

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> echo = Http.echo(response);
    String expected = body.replace("\"big-2\"", "\"mid-1\"");
    assertThat(echo)
        .containsEntry("model", "mid-1")
        .containsEntry("body", expected)
        .containsEntry("content-length", Integer.toString(expected.length()))
        .containsEntry("content-length-header", Integer.toString(expected.length()))
        .containsEntry("read", Integer.toString(expected.length()));
    assertThat(response.headers().firstValue("Geofence-Requested-Model")).hasValue("big-2");
    assertThat(response.headers().firstValue("Geofence-Served-Model")).hasValue("mid-1");
    assertThat(audit.last().action().label()).isEqualTo("substitute");
    assertThat(audit.last().effectiveModel()).isEqualTo("mid-1");
  }

  @Test
  void substitutionInThePathForwardsToTheRewrittenPath() {
    HttpResponse<String> response =
        Http.post(base, "/v1beta/models/big-3:generateContent", Fixtures.BR, "{}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response))
        .containsEntry("uri", "/v1beta/models/mid-1:generateContent")
        .containsEntry("body", "{}");
    assertThat(response.headers().firstValue("Geofence-Served-Model")).hasValue("mid-1");
  }

  @Test
  void substitutionInAHeaderReplacesTheHeader() {
    HttpResponse<String> response =
        Http.post(base, "/h/invoke", Fixtures.BR, "{\"model\":\"untouched\"}", "x-model", "big-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response))
        .containsEntry("header-model", "mid-1")
        .containsEntry("body", "{\"model\":\"untouched\"}");
  }

  @Test
  void blockedCallerGets451WithAProblemBodyAndNothingReachesTheApplication() {
    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"small-1\"}");

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(response.headers().firstValue("Link"))
        .hasValue("<https://example.com/ai-policy>; rel=\"blocked-by\"");
    var problem = Http.json(response);
    assertThat(problem.get("status").asInt()).isEqualTo(451);
    assertThat(problem.get("policy").asText()).isEqualTo("test-policy");
    assertThat(problem.get("policy_version").asText()).isEqualTo("1");
    assertThat(problem.get("rule").asText()).isEqualTo("sanctioned");
    assertThat(problem.get("country").asText()).isEqualTo("IR");
    assertThat(problem.get("detail").asText()).contains("IR", "small-1", "sanctioned");
    assertThat(response.body()).doesNotContain("body: ");
    assertThat(audit.last().action().label()).isEqualTo("block");
    assertThat(audit.last().statusCode()).isEqualTo(451);
  }
}
