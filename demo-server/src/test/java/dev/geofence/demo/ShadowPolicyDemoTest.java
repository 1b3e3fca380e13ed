package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.audit.PolicyImpact;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import dev.geofence.policy.Policy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --shadow-policy}, over real HTTP: it answers exactly as without it, records
 * where the shadow would decide otherwise, and {@code audit report --shadow} and {@code policy
 * impact} agree on that traffic.
 */
class ShadowPolicyDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String US = "6.0.0.1";
  private static final String US_VPN = "6.0.0.200";
  private static final String BR = "152.240.0.1";
  private static final String CN = "36.96.0.1";
  private static final String NOWHERE = "203.0.113.9";

  /**
   * The candidate: allies capped at advanced, Brazil embargoed, unknown callers allowed advanced
   * models, anonymous callers allowed standard ones.
   */
  private static String shadowText() {
    String enforced = DemoGeofence.embeddedPolicyText();
    return enforced
            .substring(0, enforced.indexOf("\nunknown:"))
            .replace("version: 2026-11-28.1", "version: 2026-12-candidate")
            .replace(
                "arms-embargoed: [CN, MO, RU, BY, VE]", "arms-embargoed: [CN, MO, RU, BY, VE, BR]")
            .replace(
                "allow: frontier                # highest tier allowed",
                "allow: advanced\n    over-limit: substitute")
        + """

        unknown:
          allow: advanced
          over-limit: block
        anonymous:
          allow: standard
        """;
  }

  /** One request of the table, and what the answer must not depend on. */
  private record Ask(String caller, String model) {}

  /** Allowed, substituted, blocked, unknown and anonymous callers, with and without a model. */
  private static final List<Ask> TRAFFIC =
      List.of(
          new Ask(US, "claude-opus-4"),
          new Ask(US, "claude-haiku-4"),
          new Ask(BR, "claude-opus-4"),
          new Ask(BR, null),
          new Ask("152.240.0.2", "claude-opus-4"),
          new Ask(CN, "claude-haiku-4"),
          new Ask(NOWHERE, "claude-haiku-4"),
          new Ask(NOWHERE, "claude-sonnet-4"),
          new Ask(US_VPN, "claude-haiku-4"),
          new Ask(US_VPN, "claude-opus-4"));

  @TempDir Path temp;
  private Path anonymousDb;
  private Path policy;

  @BeforeEach
  void files() throws Exception {
    anonymousDb = temp.resolve("anonymous.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Anonymous-IP")
        .build()
        .insert(
            "6.0.0.128/25", GeoIp2Records.anonymousIp(GeoIp2Records.AnonymousFlag.ANONYMOUS_VPN))
        .write(anonymousDb);
    policy = Files.writeString(temp.resolve("policy.yaml"), DemoGeofence.embeddedPolicyText());
  }

  private DemoConfig.Builder config(String name) {
    return DemoConfig.builder()
        .port(0)
        .policy(policy)
        .anonymousDb(anonymousDb)
        .audit(temp.resolve(name));
  }

  @Test
  void theShadowedDemo_answersExactlyAsWithoutIt_andRecordsWhereTheShadowDiffers()
      throws Exception {
    Path shadow = Files.writeString(temp.resolve("shadow.yaml"), shadowText());

    List<String> banner = new ArrayList<>();
    List<String> plain = answers(config("plain"));
    List<String> shadowed =
        answers(
            config("shadowed").shadowPolicy(shadow), server -> banner.add(Banner.render(server)));

    assertThat(shadowed).isEqualTo(plain);
    assertThat(banner.get(0))
        .contains(
            "  shadow    ai-export-controls version 2026-12-candidate  ("
                + shadow
                + "; decided beside the policy, never enforced)");
    assertThat(plain)
        .extracting(a -> a.substring(0, 3))
        .containsExactly("200", "200", "200", "200", "200", "451", "200", "451", "451", "451");
    List<JsonNode> records = records(temp.resolve("shadowed"));
    assertThat(records)
        .extracting(
            r ->
                r.at("/source/ip").asText()
                    + " "
                    + r.at("/event/action").asText()
                    + " -> "
                    + r.at("/geofence/shadow/action").asText("(same)"))
        .containsExactly(
            US + " allow -> substitute",
            US + " allow -> (same)",
            BR + " substitute -> block",
            BR + " allow -> block",
            "152.240.0.2 substitute -> block",
            CN + " block -> (same)",
            NOWHERE + " allow -> (same)",
            NOWHERE + " block -> allow",
            US_VPN + " block -> allow",
            US_VPN + " block -> (same)");
    assertThat(records.get(0).at("/geofence/shadow/policy/version").asText())
        .isEqualTo("2026-12-candidate");
    assertThat(records.get(0).at("/geofence/shadow/model/effective").asText())
        .isEqualTo("claude-sonnet-4");
    assertThat(records(temp.resolve("plain")))
        .allSatisfy(r -> assertThat(r.at("/geofence/shadow").isMissingNode()).isTrue());
  }

  @Test
  void aBrokenShadowFile_changesNoAnswer_andTheStatusSaysWhy() throws Exception {
    Path broken = Files.writeString(temp.resolve("broken.yaml"), "policy: [unclosed\n");

    List<String> plain = answers(config("plain"));
    List<String> status = new ArrayList<>();
    List<String> shadowed =
        answers(
            config("broken").shadowPolicy(broken),
            server -> {
              status.add(get(server, "/geofence/status").body());
              status.add(Banner.render(server));
            });
    List<String> missing = answers(config("missing").shadowPolicy(temp.resolve("no-such.yaml")));

    assertThat(shadowed).isEqualTo(plain);
    assertThat(missing).isEqualTo(plain);
    JsonNode shadowStatus = JSON.readTree(status.get(0)).path("shadow_policy");
    assertThat(shadowStatus.path("last_error").asText())
        .contains("broken.yaml")
        .contains("enforcement is not affected");
    assertThat(shadowStatus.path("decided").asLong()).isZero();
    assertThat(JSON.readTree(status.get(0)).path("healthy").asBoolean()).isTrue();
    assertThat(status.get(1)).contains("  shadow    none: " + broken + " was refused");
  }

  @Test
  void auditReportShadow_andPolicyImpact_agreeOnTheSameTraffic() throws Exception {
    Path shadow = Files.writeString(temp.resolve("shadow.yaml"), shadowText());
    List<String> status = new ArrayList<>();
    answers(
        config("shadowed").shadowPolicy(shadow),
        server -> status.add(get(server, "/geofence/status").body()));
    List<Path> trail = Trails.files(temp.resolve("shadowed"));

    PolicyImpact recorded = PolicyImpact.shadow(trail);
    PolicyImpact replayed =
        PolicyImpact.replay(Policy.load(policy), Policy.load(shadow), trail, Optional.empty());

    assertThat(recorded.rows()).isNotEmpty().isEqualTo(replayed.rows());
    assertThat(recorded.requests()).isEqualTo(replayed.requests()).isEqualTo(TRAFFIC.size());
    assertThat(recorded.rows())
        .extracting(
            r ->
                r.country()
                    + " "
                    + r.tier()
                    + " "
                    + r.from()
                    + " -> "
                    + r.to()
                    + " "
                    + r.requests()
                    + "/"
                    + r.callers())
        .containsExactly(
            "(unknown) advanced block -> allow 1/1",
            "BR (no model) allow -> block 1/1",
            "BR frontier substitute(claude-sonnet-4) -> block 2/2",
            "US frontier allow -> substitute(claude-sonnet-4) 1/1",
            "US standard block -> allow 1/1");
    // The two commands print the same table: only the line naming both policies differs.
    String report = Trails.geofence("audit", "report", "--shadow", trail.get(0).toString());
    String impact =
        Trails.geofence(
            "policy",
            "impact",
            policy.toString(),
            shadow.toString(),
            "--audit",
            trail.get(0).toString());
    assertThat(impact)
        .isEqualTo(
            "policy ai-export-controls version 2026-11-28.1 -> policy ai-export-controls version"
                + " 2026-12-candidate\n"
                + report);
    assertThat(report.lines().skip(1).map(l -> l.split(" +")[0]))
        .containsExactly("(unknown)", "BR", "BR", "US", "US", "6");
    JsonNode shadowStatus = JSON.readTree(status.get(0)).path("shadow_policy");
    assertThat(shadowStatus.path("version").asText()).isEqualTo("2026-12-candidate");
    assertThat(shadowStatus.path("decided").asLong()).isEqualTo(TRAFFIC.size());
    assertThat(shadowStatus.path("diverged").asLong()).isEqualTo(6);
    assertThat(shadowStatus.path("by_action").path("substitute -> block").asLong()).isEqualTo(2);
  }

  private interface WhileRunning {
    void accept(DemoServer server) throws Exception;
  }

  private List<String> answers(DemoConfig.Builder config) throws Exception {
    return answers(config, server -> {});
  }

  /** Sends the traffic; each answer as status, the geofence headers, and the body without ids. */
  private List<String> answers(DemoConfig.Builder config, WhileRunning then) throws Exception {
    List<String> answers = new ArrayList<>();
    try (DemoServer server = DemoServer.start(config.build())) {
      for (Ask ask : TRAFFIC) {
        HttpResponse<String> r =
            ask.model() == null
                ? get(server, "/v1/models", ask.caller())
                : HTTP.send(
                    request(server, "/v1/messages", ask.caller())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Banner.messageBody(ask.model())))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        answers.add(
            r.statusCode()
                + " "
                + r.headers().firstValue("Geofence-Requested-Model").orElse("-")
                + " "
                + r.headers().firstValue("Geofence-Served-Model").orElse("-")
                + " "
                + r.body().replaceAll("msg_demo_[0-9a-f]+", "msg_demo_ID"));
      }
      then.accept(server);
    }
    return answers;
  }

  private static HttpResponse<String> get(DemoServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.uri() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(DemoServer server, String path, String caller)
      throws Exception {
    return HTTP.send(
        request(server, path, caller).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(DemoServer server, String path, String caller) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .header("X-Forwarded-For", caller)
        .timeout(Duration.ofSeconds(20));
  }

  private static List<JsonNode> records(Path dir) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (JsonNode node : Trails.lines(Trails.files(dir))) {
      if (node.at("/rule/name").isTextual()) {
        records.add(node);
      }
    }
    return records;
  }
}
