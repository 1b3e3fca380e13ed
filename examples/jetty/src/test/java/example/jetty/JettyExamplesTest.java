package example.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's Jetty snippets, run as written with the example policy: a caller from a sanctioned
 * country is refused, a capped one's frontier request reaches the application with the substitute,
 * an ally is served as asked. The test plays a trusted proxy on loopback.
 */
class JettyExamplesTest {

  @TempDir Path dir;
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  static Stream<Arguments> starts() {
    return Stream.of(
        Arguments.of(
            "init-params",
            (Starter)
                (p, d) -> JettyWithInitParams.start(p.toString(), d.toString(), "127.0.0.1", 0)),
        Arguments.of("builder", (Starter) (p, d) -> JettyWithBuilder.start(p, d, "127.0.0.1", 0)));
  }

  @FunctionalInterface
  interface Starter {
    Server start(Path policy, Path database) throws Exception;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("starts")
  void blockedCappedAndAlliedCallersGetWhatThePolicySays(String how, Starter starter)
      throws Exception {
    Path policy = Files.copy(Path.of("../policy.yaml"), dir.resolve("policy.yaml"));
    Path database = dir.resolve("test.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("203.0.113.0/24", GeoIp2Records.country("IR"))
        .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
        .insert("198.51.100.0/24", GeoIp2Records.country("US"))
        .write(database);
    server = starter.start(policy, database);
    URI base =
        URI.create(
            "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());

    HttpResponse<String> blocked = post(base, "203.0.113.7", "claude-haiku-4");
    HttpResponse<String> capped = post(base, "192.0.2.7", "claude-opus-4");
    HttpResponse<String> ally = post(base, "198.51.100.7", "claude-opus-4");

    assertThat(blocked.statusCode()).isEqualTo(451);
    assertThat(blocked.body()).contains("sanctioned");
    assertThat(capped.statusCode()).isEqualTo(200);
    assertThat(capped.body())
        .isEqualTo("{\"geofence\":\"substitute\",\"received\":{\"model\":\"claude-sonnet-4\"}}");
    assertThat(capped.headers().firstValue("Geofence-Served-Model")).hasValue("claude-sonnet-4");
    assertThat(ally.statusCode()).isEqualTo(200);
    assertThat(ally.body())
        .isEqualTo("{\"geofence\":\"allow\",\"received\":{\"model\":\"claude-opus-4\"}}");
  }

  private static HttpResponse<String> post(URI base, String caller, String model) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(base.resolve("/v1/messages"))
                .header("X-Forwarded-For", caller)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
