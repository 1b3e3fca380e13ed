package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.internal.usage.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage monitoring end to end: the demo with {@code --principal-header X-Api-Key} and a policy
 * whose capped rule ({@code rest-of-world}) limits each key to 5 requests a minute and raises an
 * alert for a key seen from two countries, over real HTTP; then two demos that share one real
 * Redis.
 */
class UsageMonitoringDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Capped by rest-of-world (allow advanced, substitute above). */
  private static final String BRAZIL = "152.240.0.1";

  private static final String INDIA = "49.32.0.1";

  /** An ally (allies: allow frontier), never limited. */
  private static final String US = "6.0.0.1";

  private static final String MODEL = "claude-sonnet-4";

  @TempDir Path temp;

  @Test
  void
      aKeysSixthRequestInAMinuteIsRefused_otherKeysAndAlliesAreServed_andAHoppingKeyRaisesOneAlert()
          throws Exception {
    Path audit = temp.resolve("audit");
    DemoConfig config =
        DemoConfig.builder()
            .port(0)
            .policy(limitedPolicy())
            .audit(audit)
            .principalHeader("X-Api-Key")
            .build();
    JsonNode status;
    try (DemoServer server = DemoServer.start(config)) {
      for (int i = 1; i <= 5; i++) {
        assertThat(ask(server, BRAZIL, "key-a").statusCode()).as("request %d", i).isEqualTo(200);
      }
      HttpResponse<String> sixth = ask(server, BRAZIL, "key-a");
      assertThat(sixth.statusCode()).isEqualTo(429);
      assertThat(sixth.headers().firstValue("Retry-After").map(Long::parseLong))
          .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 60L));
      assertThat(sixth.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
      JsonNode problem = JSON.readTree(sixth.body());
      assertThat(problem.path("reason").asText()).isEqualTo("usage_limit_exceeded");
      assertThat(problem.path("rule").asText()).isEqualTo("rest-of-world");
      assertThat(problem.path("detail").asText()).contains("5").contains("rest-of-world");

      assertThat(ask(server, BRAZIL, "key-b").statusCode()).isEqualTo(200);
      for (int i = 1; i <= 8; i++) {
        assertThat(ask(server, US, "key-a").statusCode()).as("ally request %d", i).isEqualTo(200);
      }
      assertThat(ask(server, BRAZIL, "key-c").statusCode()).isEqualTo(200);
      assertThat(ask(server, INDIA, "key-c").statusCode()).isEqualTo(200);
      assertThat(ask(server, BRAZIL, "key-c").statusCode()).isEqualTo(200);
      status = JSON.readTree(get(server, "/geofence/status").body());
    }

    List<JsonNode> records = records(audit);
    assertThat(records).allSatisfy(r -> assertThat(r.at("/user/id").isTextual()).isTrue());
    List<JsonNode> alerts =
        records.stream().filter(r -> r.at("/event/kind").asText().equals("alert")).toList();
    assertThat(alerts).hasSize(1);
    JsonNode alert = alerts.get(0);
    assertThat(alert.at("/event/action").asText()).isEqualTo("usage-alert");
    assertThat(alert.at("/user/id").asText()).isEqualTo("key-c");
    assertThat(alert.at("/rule/name").asText()).isEqualTo("rest-of-world");
    assertThat(alert.at("/geofence/usage/countries").toString()).isEqualTo("[\"BR\",\"IN\"]");
    List<JsonNode> limited =
        records.stream().filter(r -> r.at("/http/response/status_code").asInt() == 429).toList();
    assertThat(limited).hasSize(1);
    assertThat(limited.get(0).at("/user/id").asText()).isEqualTo("key-a");
    assertThat(limited.get(0).at("/event/action").asText()).isEqualTo("block");
    assertThat(status.at("/usage/store").asText()).isEqualTo("local");
    assertThat(status.at("/usage/limited").asLong()).isEqualTo(1);
    assertThat(status.at("/usage/alerts").asLong()).isEqualTo(1);
  }

  @Test
  void twoDemosOnOneRedisEnforceOneLimit_andGoOnAsConfiguredWhenRedisStops() throws Exception {
    Assumptions.assumeTrue(RedisServer.installed(), RedisServer.NOT_INSTALLED);
    try (RedisServer redis = RedisServer.start();
        DemoServer local = DemoServer.start(shared(redis, "a", "local"));
        DemoServer blocking = DemoServer.start(shared(redis, "b", "block"))) {
      for (int i = 1; i <= 5; i++) {
        DemoServer server = i % 2 == 0 ? local : blocking;
        assertThat(ask(server, BRAZIL, "key-z").statusCode()).as("request %d", i).isEqualTo(200);
      }
      assertThat(ask(local, BRAZIL, "key-z").statusCode()).isEqualTo(429);
      assertThat(ask(blocking, BRAZIL, "key-z").statusCode()).isEqualTo(429);
      assertThat(ask(blocking, BRAZIL, "key-y").statusCode()).isEqualTo(200);

      redis.stop();
      List<Integer> fromLocal = new ArrayList<>();
      List<Integer> fromBlocking = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        fromLocal.add(ask(local, BRAZIL, "key-x").statusCode());
        fromBlocking.add(ask(blocking, BRAZIL, "key-x").statusCode());
      }
      // local: counted in the process, so five served and then the limit; block: all refused.
      assertThat(fromLocal).containsExactly(200, 200, 200, 200, 200, 429);
      assertThat(fromBlocking).containsOnly(429);
      HttpResponse<String> unverifiable = ask(blocking, BRAZIL, "key-w");
      assertThat(JSON.readTree(unverifiable.body()).path("reason").asText())
          .isEqualTo("usage_unverifiable");
      // An ally is not limited, so it never waits for the store.
      assertThat(ask(blocking, US, "key-w").statusCode()).isEqualTo(200);
      JsonNode status = JSON.readTree(get(local, "/geofence/status").body());
      assertThat(status.at("/usage/store").asText()).isEqualTo("redis");
      assertThat(status.at("/usage/healthy").asBoolean()).isFalse();
      assertThat(status.at("/usage/failure_mode").asText()).isEqualTo("local");
    }
  }

  private DemoConfig shared(RedisServer redis, String name, String failure) throws IOException {
    return DemoConfig.builder()
        .port(0)
        .policy(limitedPolicy())
        .audit(temp.resolve("audit-" + name))
        .principalHeader("X-Api-Key")
        .usageStore(redis.uri())
        .usageStoreFailure(failure)
        .build();
  }

  /** The demo's policy with the monitor mapping on its capped rule. */
  private Path limitedPolicy() throws IOException {
    String policy = DemoGeofence.embeddedPolicyText();
    String audited =
        "    monitor: true                  # audit this rule's allowed requests in full\n";
    assertThat(policy).contains(audited);
    Path file = temp.resolve("policy-limited.yaml");
    Files.writeString(
        file,
        policy.replace(
            audited,
            "    monitor:\n"
                + "      usage-limit: 5/1m\n"
                + "      over-usage: block\n"
                + "      alert-countries: 2\n"),
        StandardCharsets.UTF_8);
    return file;
  }

  private static HttpResponse<String> ask(DemoServer server, String caller, String key)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.uri() + "/v1/messages"))
            .header("X-Forwarded-For", caller)
            .header("X-Api-Key", key)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(Banner.messageBody(MODEL)))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(DemoServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The trail's records (decisions and alerts), without chain or checkpoint lines. */
  private static List<JsonNode> records(Path dir) throws IOException {
    return Trails.lines(Trails.files(dir)).stream()
        .filter(node -> !node.at("/event/kind").isMissingNode())
        .toList();
  }
}
