package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.GeofenceFilter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a running application: embedded Tomcat on a random port, real HTTP, the example
 * policy and a generated database; the test plays the trusted proxy on loopback.
 */
@SpringBootTest(
    classes = ModelApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "geofence.trusted-proxies=127.0.0.1",
      "management.endpoints.web.exposure.include=health,geofence",
      "management.endpoint.health.show-details=always"
    })
class GeofenceStarterTest {

  private static final Path DIR = tempDir();
  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void files(DynamicPropertyRegistry registry) {
    Path policy = Fixtures.policy(DIR);
    Path database = Fixtures.database(DIR, "GeoLite2-Country");
    registry.add("geofence.policy-file", policy::toString);
    registry.add("geofence.geoip.database", database::toString);
    registry.add("geofence.audit.directory", () -> DIR.resolve("audit").toString());
  }

  @LocalServerPort int port;

  @Autowired MeterRegistry registry;

  @Autowired
  @Qualifier("geofenceFilter")
  FilterRegistrationBean<?> registration;

  @Autowired GeofenceFilter filter;

  @Test
  void aSanctionedCallerIsRefusedWith451() throws Exception {
    HttpResponse<String> response = Fixtures.post(port, Fixtures.IRAN, "claude-haiku-4");

    assertThat(response.statusCode()).isEqualTo(451);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("sanctioned");
  }

  @Test
  void aCappedCallersFrontierRequestReachesTheControllerAsTheSubstitute() throws Exception {
    HttpResponse<String> response = Fixtures.post(port, Fixtures.BRAZIL, "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("{\"geofence\":\"substitute\"")
        .endsWith("\"received\":{\"model\":\"claude-sonnet-4\"}}");
  }

  @Test
  void anAllyIsServedAsAsked() throws Exception {
    HttpResponse<String> response = Fixtures.post(port, Fixtures.UNITED_STATES, "claude-opus-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("{\"geofence\":\"allow\"")
        .endsWith("\"received\":{\"model\":\"claude-opus-4\"}}");
  }

  @Test
  void actuatorHealthShowsTheGeofenceWithPolicyAndDatabase() throws Exception {
    HttpResponse<String> response = Fixtures.get(port, "/actuator/health");

    // Parsed, not matched as text: Boot 3 and Boot 4 order the keys differently.
    JsonNode geofence = JSON.readTree(response.body()).path("components").path("geofence");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(geofence.path("status").asText()).isEqualTo("UP");
    assertThat(geofence.path("details").path("policy.id").asText()).isEqualTo("ai-export-controls");
    assertThat(geofence.path("details").path("database.type").asText())
        .isEqualTo("GeoLite2-Country");
    assertThat(geofence.path("details").path("audit.lost").isIntegralNumber()).isTrue();
  }

  @Test
  void theGeofenceEndpointAnswersWithTheStatusDocument() throws Exception {
    Fixtures.post(port, Fixtures.IRAN, "claude-haiku-4");

    HttpResponse<String> response = Fixtures.get(port, "/actuator/geofence");

    JsonNode status = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(status.path("geofence").asText()).isEqualTo("enabled");
    assertThat(status.path("policy").path("id").asText()).isEqualTo("ai-export-controls");
    assertThat(status.path("database").path("type").asText()).isEqualTo("GeoLite2-Country");
    assertThat(status.path("decisions").path("blocked").asLong()).isPositive();
  }

  @Test
  void theFiltersMetersAreInTheApplicationsRegistry() throws Exception {
    Fixtures.post(port, Fixtures.UNITED_STATES, "claude-opus-4");

    assertThat(registry.find("geofence.requests").tag("outcome", "allow").functionCounter())
        .isNotNull()
        .satisfies(c -> assertThat(c.count()).isPositive());
    assertThat(registry.find("geofence.geoip.healthy").gauge()).isNotNull();
    assertThat(registry.find("geofence.audit.records.lost").meters()).isNotEmpty();
  }

  @Test
  void theRegistrationIsNamedGeofenceFilterAheadOfSpringSecurityForRequestsOnly() {
    assertThat(registration.getFilter()).isSameAs(filter);
    assertThat(registration.getOrder()).isEqualTo(-110);
    assertThat(registration.getUrlPatterns()).containsExactly("/*");
    assertThat(registration.determineDispatcherTypes()).containsExactly(DispatcherType.REQUEST);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("geofence-starter-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
