package example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example as the README runs it, on embedded Tomcat: only the two file paths and the trusted
 * proxy of application.properties are pointed at the test's files and at loopback, where the test
 * plays the proxy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelApplicationTest {

  @DynamicPropertySource
  static void files(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("geofence-example");
    Path policy = Files.copy(Path.of("../policy.yaml"), dir.resolve("policy.yaml"));
    Path database = dir.resolve("test.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("203.0.113.0/24", GeoIp2Records.country("IR"))
        .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
        .insert("198.51.100.0/24", GeoIp2Records.country("US"))
        .write(database);
    registry.add("geofence.policy-file", policy::toString);
    registry.add("geofence.geoip.database", database::toString);
    registry.add("geofence.trusted-proxies", () -> "127.0.0.1");
  }

  @LocalServerPort int port;

  @Test
  void blockedCappedAndAlliedCallersGetWhatThePolicySays() throws Exception {
    HttpResponse<String> blocked = post("203.0.113.7", "claude-haiku-4");
    HttpResponse<String> capped = post("192.0.2.7", "claude-opus-4");
    HttpResponse<String> ally = post("198.51.100.7", "claude-opus-4");

    assertThat(blocked.statusCode()).isEqualTo(451);
    assertThat(blocked.body()).contains("sanctioned");
    assertThat(capped.body())
        .isEqualTo("{\"geofence\":\"substitute\",\"received\":{\"model\":\"claude-sonnet-4\"}}");
    assertThat(ally.body())
        .isEqualTo("{\"geofence\":\"allow\",\"received\":{\"model\":\"claude-opus-4\"}}");
  }

  private HttpResponse<String> post(String caller, String model) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .header("X-Forwarded-For", caller)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
