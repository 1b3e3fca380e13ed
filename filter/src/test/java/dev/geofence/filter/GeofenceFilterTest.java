package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.geo.GeoLookup;
import dev.geofence.filter.micrometer.GeofenceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The filter in Jetty: refusal formats, callers, headers, unmatched paths and the 503 path. */
class GeofenceFilterTest {

  @TempDir Path dir;
  JettyFixture jetty;

  JettyFixture start(UnaryOperator<GeofenceSettings.Builder> change) throws Exception {
    jetty = new JettyFixture(dir, change);
    return jetty;
  }

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.close();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "PROBLEM,   application/problem+json, /detail,        /policy",
    "ANTHROPIC, application/json,         /error/message, /error/type",
    "OPENAI,    application/json,         /error/message, /error/code"
  })
  void blocksInEachRefusalFormat(
      RefusalFormat format, String contentType, String message, String other) throws Exception {
    URI base = start(b -> b.refusalFormat(format)).base;

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(contentType);
    JsonNode body = Http.json(response);
    assertThat(body.at(message).asText()).contains("IR", "sanctioned");
    assertThat(body.at(other).isMissingNode()).isFalse();
    if (format == RefusalFormat.ANTHROPIC) {
      assertThat(body.at("/error/type").asText()).isEqualTo("permission_error");
    }
    if (format == RefusalFormat.OPENAI) {
      assertThat(body.at("/error/code").asText()).isEqualTo("unsupported_country_region_territory");
    }
  }

  @Test
  void blockStatusCanBe403AndThenSendsNoBlockedByLink() throws Exception {
    URI base = start(b -> b.blockStatus(403).policyUrl(URI.create("https://example.com/p"))).base;

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Http.json(response).get("status").asInt()).isEqualTo(403);
    assertThat(response.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void forgedForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
    URI base = start(b -> b.trustedProxies(TrustedProxies.none())).base;

    // 127.0.0.1 is not in the database: unknown, which may use small-* only.
    HttpResponse<String> big =
        Http.post(
            base,
            "/v1/messages",
            Fixtures.US,
            "{\"model\":\"big-1\"}",
            "Forwarded",
            "for=" + Fixtures.US);
    HttpResponse<String> small =
        Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(big.statusCode()).isEqualTo(451);
    assertThat(Http.json(big).get("detail").asText()).contains("cannot be determined");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(jetty.audit.last().addressSource()).isEqualTo("peer");
    assertThat(jetty.audit.last().sourceIp())
        .hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("127.0.0.1"));
  }

  @ParameterizedTest
  @CsvSource({
    "100.64.0.1,       small-1, 200, unknown",
    "100.64.0.1,       big-1,   451, unknown",
    "'garbage, 10.0.0.1', small-1, 200, unknown",
    "198.18.0.5,       small-1, 451, anonymous",
    "198.51.100.7,     big-1,   200, allies"
  })
  void unknownAndAnonymousCallers(String forwardedFor, String model, int status, String rule)
      throws Exception {
    URI base = start(b -> b).base;

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", forwardedFor, "{\"model\":\"" + model + "\"}");

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(jetty.audit.last().ruleName()).isEqualTo(rule);
  }

  @Test
  void callerSentDecisionHeadersAreRemovedAndTheRealOnesAdded() throws Exception {
    URI base = start(b -> b.decisionHeaders(true)).base;

    HttpResponse<String> response =
        Http.post(
            base,
            "/v1/messages",
            Fixtures.BR,
            "{\"model\":\"big-1\"}",
            "X-Geofence-Action",
            "allow",
            "x-geofence-country",
            "US",
            "X-Geofence-Forged",
            "1");

    Map<String, String> echo = Http.echo(response);
    assertThat(echo)
        .containsEntry("x-geofence-action", "substitute")
        .containsEntry("x-geofence-country", "BR")
        .containsEntry("x-geofence-rule", "rest")
        .containsEntry("x-geofence-model", "mid-1")
        .containsEntry("x-geofence-requested-model", "big-1")
        .containsEntry("x-geofence-policy", "test-policy 1")
        .doesNotContainKey("x-geofence-forged");
    assertThat(echo.get("x-geofence-request-id")).isEqualTo(jetty.audit.last().requestId());
  }

  @Test
  void callerSentDecisionHeadersAreRemovedEvenWhenDecisionHeadersAreOff() throws Exception {
    URI base = start(b -> b).base;

    HttpResponse<String> response =
        Http.post(
            base,
            "/v1/messages",
            Fixtures.US,
            "{\"model\":\"big-1\"}",
            "X-Geofence-Action",
            "allow");

    assertThat(Http.echo(response)).doesNotContainKey("x-geofence-action");
  }

  @Test
  void trustedRequestIdIsUsedOnlyFromATrustedProxy() throws Exception {
    URI base = start(b -> b.requestIdHeader("X-Request-Id")).base;

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"big-1\"}", "X-Request-Id", "req-42");

    assertThat(jetty.audit.last().requestId()).isEqualTo("req-42");
  }

  @Test
  void unmatchedPathsGetTheCountryDecisionByDefault() throws Exception {
    URI base = start(b -> b).base;

    HttpResponse<String> blocked =
        Http.send(HttpRequest.newBuilder(base.resolve("/health")).GET(), Fixtures.IR);
    HttpResponse<String> allowed =
        Http.send(HttpRequest.newBuilder(base.resolve("/health")).GET(), Fixtures.BR);

    assertThat(blocked.statusCode()).isEqualTo(451);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(Http.echo(allowed)).containsEntry("decision", "allow");
    assertThat(jetty.audit.records).hasSize(2);
  }

  @Test
  void unmatchedPathsPassUndecidedInPassMode() throws Exception {
    URI base = start(b -> b.unmatched(GeofenceSettings.Unmatched.PASS)).base;

    HttpResponse<String> response =
        Http.send(
            HttpRequest.newBuilder(base.resolve("/health")).GET(),
            Fixtures.IR,
            "X-Geofence-Action",
            "allow");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response)).doesNotContainKeys("decision", "x-geofence-action");
    assertThat(jetty.audit.records).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"198.51.100.7, true", "192.0.2.44, false"})
  void modelListingSeesWhichModelsTheCallerMayUse(String caller, String allowsBig)
      throws Exception {
    URI base = start(b -> b).base;

    HttpResponse<String> response =
        Http.send(HttpRequest.newBuilder(base.resolve("/v1/models")).GET(), caller);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.echo(response)).containsEntry("allows-big-1", allowsBig);
  }

  @Test
  void aFailingLookupAnswers503AndNeverPassesTheRequest() throws Exception {
    GeoLookup broken =
        address -> {
          throw new IllegalStateException("database read failed");
        };
    URI base = start(b -> b.geoLookup(broken)).base;

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Http.json(response).get("reason").asText()).isEqualTo("internal_error");
    assertThat(response.body()).doesNotContain("body: ");
    assertThat(jetty.audit.last().action()).isEqualTo(AuditAction.ERROR);
    assertThat(jetty.audit.last().statusCode()).isEqualTo(503);
    assertThat(jetty.filter.status().counts().errors()).isEqualTo(1);
  }

  @Test
  void filterIsReachableFromTheServletContext() throws Exception {
    start(b -> b);

    Object attribute = jetty.container.contextAttribute(GeofenceFilter.CONTEXT_ATTRIBUTE);

    assertThat(attribute).isSameAs(jetty.filter);
    assertThat(jetty.filter.policy().version()).isEqualTo("1");
    assertThat(jetty.filter.status().healthy()).isTrue();
  }

  @Test
  void statusCountsEachOutcome() throws Exception {
    URI base = start(b -> b).base;

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"big-1\"}");
    Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"big-1\"}");
    Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");
    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":1}");

    GeofenceStatus.Counts counts = jetty.filter.status().counts();
    assertThat(List.of(counts.allowed(), counts.substituted(), counts.blocked(), counts.rejected()))
        .containsExactly(1L, 1L, 1L, 1L);
    assertThat(counts.errors()).isZero();
    assertThat(counts.total()).isEqualTo(4);
    assertThat(counts.decisionNanos()).isPositive();
  }

  @Test
  void metricsCountDecisionsByEnforcedAndShadowAction_whenAShadowPolicyIsSet() throws Exception {
    Path shadow = Fixtures.write(dir.resolve("shadow.yaml"), Fixtures.POLICY_V2);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    URI base = start(b -> b.shadowPolicyFile(shadow)).base;
    GeofenceMetrics metrics = GeofenceMetrics.of(jetty.filter);
    metrics.bindTo(registry);

    Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"big-1\"}");
    Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"small-1\"}");
    Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");

    assertThat(shadowCount(registry, "substitute", "block")).isEqualTo(1);
    assertThat(shadowCount(registry, "allow", "block")).isEqualTo(1);
    assertThat(shadowCount(registry, "block", "block")).isEqualTo(1);
    assertThat(shadowCount(registry, "allow", "allow")).isZero();
    assertThat(registry.get("geofence.shadow.policy.failing").gauge().value()).isZero();
    metrics.close();
  }

  private static double shadowCount(SimpleMeterRegistry registry, String enforced, String shadow) {
    return registry
        .get("geofence.shadow.decisions")
        .tag("enforced", enforced)
        .tag("shadow", shadow)
        .functionCounter()
        .count();
  }

  @Test
  void metricsBinderPublishesTheCountsAndCloseRemovesEveryMeter() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    URI base = start(b -> b).base;
    GeofenceMetrics metrics = GeofenceMetrics.of(jetty.filter);
    metrics.bindTo(registry);

    Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"big-1\"}");
    Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");

    assertThat(
            registry
                .get("geofence.requests")
                .tag("outcome", "substitute")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("geofence.requests").tag("outcome", "block").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("geofence.decision").functionTimer().count()).isEqualTo(2);
    assertThat(registry.get("geofence.decision").functionTimer().totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(registry.get("geofence.audit.records.written").functionCounter().count())
        .isEqualTo(2);
    assertThat(registry.get("geofence.geoip.healthy").gauge().value()).isEqualTo(1);
    assertThat(registry.get("geofence.policy.reload.failing").gauge().value()).isZero();
    assertThatThrownBy(() -> metrics.bindTo(registry)).hasMessageContaining("already bound");

    jetty.close();
    assertThat(registry.get("geofence.geoip.healthy").gauge().value()).isNaN();
    metrics.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static byte[] deflate(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static HttpRequest.BodyPublisher chunked(byte[] bytes) {
    return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
  }
}
