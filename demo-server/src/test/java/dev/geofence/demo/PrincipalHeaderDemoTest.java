package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.address.TrustedProxies;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --principal-header X-Api-Key}, over real HTTP: loopback is a trusted proxy,
 * so a local caller's key is recorded as {@code user.id} on every outcome, and the report counts
 * per key and country.
 */
class PrincipalHeaderDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path temp;

  private int ask(DemoServer server, String caller, String model, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + "/v1/messages"))
            .header("X-Forwarded-For", caller)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(Banner.messageBody(model)));
    if (key != null) {
      request.header("X-Api-Key", key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void everyRecordCarriesTheKey_andTheReportCountsPerKeyAndCountry() throws Exception {
    Path audit = temp.resolve("audit");
    DemoConfig config =
        DemoConfig.builder().port(0).audit(audit).principalHeader("X-Api-Key").build();
    String banner;
    try (DemoServer server = DemoServer.start(config)) {
      banner = Banner.render(server);
      assertThat(ask(server, "6.0.0.1", "claude-opus-4", "key-acme")).isEqualTo(200);
      assertThat(ask(server, "152.240.0.1", "claude-opus-4", "key-acme")).isEqualTo(200);
      assertThat(ask(server, "36.96.0.1", "claude-sonnet-4", "key-acme")).isEqualTo(451);
      assertThat(ask(server, "6.0.0.1", "claude-opus-4", null)).isEqualTo(200);
      assertThat(ask(server, "6.0.0.1", "claude-opus-4", "k".repeat(300))).isEqualTo(400);
    }

    assertThat(banner).contains("principal X-Api-Key from a trusted proxy, recorded in full");
    List<String> users = new ArrayList<>();
    List<Path> files = Trails.files(audit);
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        JsonNode node = JSON.readTree(line);
        users.add(node.at("/event/action").asText() + " " + node.at("/user/id").asText("-"));
      }
    }
    assertThat(users)
        .containsExactly(
            "allow key-acme", "substitute key-acme", "block key-acme", "allow -", "block -");
    String report = Trails.geofence(withFiles(files, "audit", "report", "--by", "principal"));
    assertThat(report.lines().limit(5))
        .containsExactly(
            "principal  country     allow  substitute     block     error     total",
            "(none)     US              1           0         1         0         2",
            "key-acme   BR              0           1         0         0         1",
            "key-acme   CN              0           0         1         0         1",
            "key-acme   US              1           0         0         0         1");
    assertThat(Trails.geofence(withFiles(files, "audit", "verify"))).startsWith("OK 5 records");
  }

  @Test
  void aBadHeaderNameIsAnOptionError_andWithoutTrustedProxiesTheBannerSaysItIsIgnored()
      throws Exception {
    assertThatThrownBy(() -> DemoConfig.builder().principalHeader("X Api Key"))
        .hasMessageContaining("--principal-header: Principal header 'X Api Key' is not a header");

    DemoConfig config =
        DemoConfig.builder()
            .port(0)
            .audit(temp.resolve("audit"))
            .trustedProxies(TrustedProxies.none())
            .principalHeader("X-Api-Key")
            .build();
    try (DemoServer server = DemoServer.start(config)) {
      assertThat(Banner.render(server)).contains("principal X-Api-Key: ignored");
    }
  }

  private static String[] withFiles(List<Path> files, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    files.forEach(f -> all.add(f.toString()));
    return all.toArray(new String[0]);
  }
}
