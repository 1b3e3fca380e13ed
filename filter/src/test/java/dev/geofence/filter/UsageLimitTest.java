package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditChainVerifier;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditReport;
import dev.geofence.filter.audit.AuditReport.By;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.micrometer.GeofenceMetrics;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage limits and country alerts through the real filter on Jetty over loopback, with the local
 * store: the sixth request of five a minute is refused with 429, per principal or per address; each
 * over-usage mode; one alert record per crossing; an ally's rule is never limited; the alerts in a
 * real chained trail, which still verifies and whose report does not count them as requests.
 */
class UsageLimitTest {

  static final String BR = "192.0.2.44";
  static final String BR_OTHER = "192.0.2.45";
  static final String IN = "203.0.113.9";
  static final String US = "198.51.100.7";
  static final String BIG = "{\"model\":\"big-1\"}";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final CapturingSink audit = new CapturingSink();
  final List<JettyContainer> containers = new ArrayList<>();
  final List<GeofenceFilter> filters = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (JettyContainer c : containers) {
      c.close();
    }
  }

  /** A policy whose rule gulf-watch (BR, IN) allows five requests a minute; allies (US) none. */
  static String policy(String overUsage) {
    return """
        policy: usage-test
        version: "1"
        tiers:
          frontier: [big-*]
          advanced: [mid-*]
          standard: [small-*]
        substitutes:
          frontier: mid-1
          advanced: small-1
        rules:
          - name: allies
            where: [US]
            allow: frontier
          - name: gulf-watch
            where: [BR, IN]
            allow: frontier
            monitor:
              usage-limit: 5/1m
              over-usage: %s
              alert-countries: 2
          - name: rest
            where: "*"
            action: block
        unknown:
          action: block
        """
        .formatted(overUsage);
  }

  /** Settings on a policy with {@code overUsage}: X-Api-Key from loopback, recorded in full. */
  static GeofenceSettings.Builder settings(Path dir, String overUsage) {
    Path policy = Fixtures.write(dir.resolve("policy.yaml"), policy(overUsage));
    Path country = dir.resolve("country.mmdb");
    try {
      MmdbWriter.builder()
          .databaseType("GeoIP2-Country")
          .buildEpoch(Fixtures.BUILT)
          .build()
          .insert("198.51.100.0/24", GeoIp2Records.country("US"))
          .insert("203.0.113.0/24", GeoIp2Records.country("IN"))
          .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
          .write(country);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return GeofenceSettings.builder()
        .policyFile(policy)
        .policyWatchInterval(Duration.ZERO)
        .geoipDatabase(country)
        .databaseWatchInterval(Duration.ZERO)
        .noDatabaseMaxAge()
        .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"))
        .principalSource(PrincipalSource.header("X-Api-Key"))
        .principalPrivacy(PrincipalPrivacy.full());
  }

  URI start(String overUsage, UnaryOperator<GeofenceSettings.Builder> change) throws Exception {
    return start(settings(dir, overUsage).auditLog(AuditLog.builder().sink(audit).build()), change);
  }

  URI start(GeofenceSettings.Builder settings, UnaryOperator<GeofenceSettings.Builder> change)
      throws Exception {
    GeofenceFilter filter = new GeofenceFilter(change.apply(settings).build());
    JettyContainer container = new JettyContainer();
    containers.add(container);
    filters.add(filter);
    return container.start(filter, Map.of(), dir);
  }

  static HttpResponse<String> ask(URI base, String caller, String key) {
    return key == null
        ? Http.post(base, "/v1/messages", caller, BIG)
        : Http.post(base, "/v1/messages", caller, BIG, "X-Api-Key", key);
  }

  List<JsonNode> lines() {
    return audit.lines.stream().map(UsageLimitTest::parse).toList();
  }

  List<JsonNode> alerts() {
    return lines().stream().filter(l -> l.at("/event/kind").asText().equals("alert")).toList();
  }

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theSixthRequestOfFivePerMinute_byOnePrincipal_is429WithRetryAfterNamingRuleAndLimit()
      throws Exception {
    URI base = start("block", b -> b);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> sixth = ask(base, BR, "key-alice");

    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(sixth.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    long retryAfter = Long.parseLong(sixth.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode problem = Http.json(sixth);
    assertThat(problem.at("/status").asInt()).isEqualTo(429);
    assertThat(problem.at("/reason").asText()).isEqualTo("usage_limit_exceeded");
    assertThat(problem.at("/rule").asText()).isEqualTo("gulf-watch");
    assertThat(problem.at("/detail").asText()).contains("5 requests per 1m for rule gulf-watch");
    JsonNode record = parse(audit.lines.get(audit.lines.size() - 1));
    assertThat(record.at("/event/action").asText()).isEqualTo("block");
    assertThat(record.at("/event/reason").asText())
        .contains("usage_limit_exceeded")
        .contains("gulf-watch");
    assertThat(record.at("/http/response/status_code").asInt()).isEqualTo(429);
    assertThat(record.at("/geofence/usage/limit").asText()).isEqualTo("5/1m");
    assertThat(record.at("/user/id").asText()).isEqualTo("key-alice");
    // another principal from the same country is still served
    assertThat(ask(base, BR, "key-bob").statusCode()).isEqualTo(200);
    GeofenceStatus.Usage usage = filters.get(0).status().usage().orElseThrow();
    assertThat(usage.store()).isEqualTo("local");
    assertThat(usage.healthy()).isTrue();
    assertThat(usage.limited()).isEqualTo(1);
    assertThat(usage.byRule())
        .containsExactly(new GeofenceStatus.RuleUsage("gulf-watch", "block", 1, 0));
    assertThat(lines()).allSatisfy(l -> assertThat(l.at("/user/id").asText()).isNotEmpty());
  }

  @Test
  void withoutAPrincipal_theLimitIsCountedPerAddress() throws Exception {
    URI base = start("block", b -> b);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(base, BR, null).statusCode()).isEqualTo(200);
    }

    assertThat(ask(base, BR, null).statusCode()).isEqualTo(429);
    assertThat(ask(base, BR_OTHER, null).statusCode()).isEqualTo(200);
  }

  @Test
  void anAllysRuleWithoutALimit_isNeverLimited() throws Exception {
    URI base = start("block", b -> b);

    for (int i = 0; i < 12; i++) {
      assertThat(ask(base, US, "key-alice").statusCode()).isEqualTo(200);
    }
    assertThat(filters.get(0).status().usage().orElseThrow().limited()).isZero();
  }

  @Test
  void overUsageSubstitute_servesTheTiersSubstitute_andTheRecordSaysSo() throws Exception {
    URI base = start("substitute", b -> b);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> sixth = ask(base, BR, "key-alice");

    assertThat(sixth.statusCode()).isEqualTo(200);
    assertThat(Http.echo(sixth).get("body")).contains("\"mid-1\"").doesNotContain("big-1");
    assertThat(sixth.headers().firstValue(GeofenceSettings.DEFAULT_SERVED_MODEL_HEADER))
        .hasValue("mid-1");
    assertThat(sixth.headers().firstValue(GeofenceSettings.DEFAULT_REQUESTED_MODEL_HEADER))
        .hasValue("big-1");
    JsonNode record = parse(audit.lines.get(audit.lines.size() - 1));
    assertThat(record.at("/event/action").asText()).isEqualTo("substitute");
    assertThat(record.at("/event/reason").asText()).contains("over the usage limit 5/1m");
    assertThat(record.at("/geofence/usage/limit").asText()).isEqualTo("5/1m");
    assertThat(record.at("/geofence/model/effective").asText()).isEqualTo("mid-1");
  }

  /** A batch entry is never rewritten for usage: over a substitute rule's limit it is refused. */
  @Test
  void overUsageSubstitute_refusesABatchOverTheLimit_insteadOfRewritingItsEntries()
      throws Exception {
    URI base = start("substitute", b -> b);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> batch =
        Http.post(
            base,
            "/v1/messages/batches",
            BR,
            "{\"requests\": [{\"custom_id\": \"one\", \"params\": {\"model\": \"big-1\"}}]}",
            "X-Api-Key",
            "key-alice");

    assertThat(batch.statusCode()).isEqualTo(429);
    assertThat(Http.json(batch).at("/reason").asText()).isEqualTo("usage_limit_exceeded");
    JsonNode record = parse(audit.lines.get(audit.lines.size() - 1));
    assertThat(record.at("/event/action").asText()).isEqualTo("block");
    assertThat(record.at("/geofence/model/effective").isMissingNode()).isTrue();
    assertThat(record.at("/geofence/usage/limit").asText()).isEqualTo("5/1m");
  }

  @Test
  void overUsageFlag_servesAsDecided_andWritesOneAlertPerCrossing_notOnePerRequest()
      throws Exception {
    URI base = start("flag", b -> b);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    }

    assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);
    assertThat(ask(base, BR, "key-alice").statusCode()).isEqualTo(200);

    List<JsonNode> alerts = alerts();
    assertThat(alerts).hasSize(1);
    JsonNode alert = alerts.get(0);
    assertThat(alert.at("/event/action").asText()).isEqualTo("usage-alert");
    assertThat(alert.at("/rule/name").asText()).isEqualTo("gulf-watch");
    assertThat(alert.at("/user/id").asText()).isEqualTo("key-alice");
    assertThat(alert.at("/geofence/usage/limit").asText()).isEqualTo("5/1m");
    assertThat(alert.at("/http/request/id").asText()).isNotEmpty();
    GeofenceStatus.Usage usage = filters.get(0).status().usage().orElseThrow();
    assertThat(usage.limited()).isEqualTo(3);
    assertThat(usage.alerts()).isEqualTo(1);
  }

  @Test
  void aPrincipalSeenFromTwoCountriesWithinTheWindow_raisesOneAlert_andNotASecondOnTheThird()
      throws Exception {
    URI base = start("block", b -> b);

    ask(base, BR, "key-alice");
    HttpResponse<String> crossing = ask(base, IN, "key-alice");
    ask(base, BR, "key-alice");

    assertThat(crossing.statusCode()).isEqualTo(200);
    List<JsonNode> alerts = alerts();
    assertThat(alerts).hasSize(1);
    JsonNode alert = alerts.get(0);
    assertThat(alert.at("/event/kind").asText()).isEqualTo("alert");
    assertThat(alert.at("/event/action").asText()).isEqualTo("usage-alert");
    assertThat(alert.at("/user/id").asText()).isEqualTo("key-alice");
    assertThat(alert.at("/rule/name").asText()).isEqualTo("gulf-watch");
    assertThat(alert.at("/geofence/usage/countries").toString()).isEqualTo("[\"BR\",\"IN\"]");
    assertThat(alert.at("/geofence/usage/window").asText()).isEqualTo("1m");
    String crossingId =
        lines().stream()
            .filter(l -> l.at("/event/kind").asText().equals("event"))
            .filter(l -> l.at("/source/geo/country_iso_code").asText().equals("IN"))
            .findFirst()
            .orElseThrow()
            .at("/http/request/id")
            .asText();
    assertThat(alert.at("/http/request/id").asText()).isEqualTo(crossingId);
    assertThat(lines())
        .allSatisfy(l -> assertThat(l.at("/user/id").asText()).isEqualTo("key-alice"));
    assertThat(filters.get(0).status().usage().orElseThrow().alerts()).isEqualTo(1);
  }

  @Test
  void usageMetrics_countLimitedRequestsAndAlertsByRule() throws Exception {
    URI base = start("block", b -> b);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (GeofenceMetrics metrics = GeofenceMetrics.of(filters.get(0))) {
      metrics.bindTo(registry);
      for (int i = 0; i < 6; i++) {
        ask(base, BR, "key-alice");
      }
      ask(base, IN, "key-bob");
      ask(base, BR, "key-bob");

      assertThat(registry.get("geofence.usage.store.healthy").gauge().value()).isEqualTo(1);
      assertThat(
              registry
                  .get("geofence.usage.limited")
                  .tag("rule", "gulf-watch")
                  .tag("over_usage", "block")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("geofence.usage.alerts")
                  .tag("rule", "gulf-watch")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("geofence.usage.store.failures").functionCounter().count()).isZero();
    }
  }

  @Test
  void alertRecordsJoinTheChainedTrail_whichVerifies_andTheReportDoesNotCountThemAsRequests()
      throws Exception {
    Path trail = Files.createDirectories(dir.resolve("audit"));
    URI base =
        start(
            settings(dir, "block").auditDirectory(trail).auditDurability(Durability.eachRecord()),
            b -> b);
    ask(base, BR, "key-alice");
    ask(base, IN, "key-alice");
    filters.get(0).close(); // flushes and closes the trail

    List<Path> files;
    try (Stream<Path> listed = Files.list(trail)) {
      files = listed.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
    }
    assertThat(String.join("\n", Files.readAllLines(files.get(0)))).contains("usage-alert");
    assertThat(AuditChainVerifier.verify(files).intact()).isTrue();
    AuditReport.Summary report = AuditReport.summarise(files, Optional.empty(), By.PRINCIPAL);
    assertThat(report.rows())
        .containsExactly(
            new AuditReport.Row("key-alice", "BR", 1, 0, 0, 0),
            new AuditReport.Row("key-alice", "IN", 1, 0, 0, 0));
    assertThat(report.alerts()).isEqualTo(1);
  }
}
