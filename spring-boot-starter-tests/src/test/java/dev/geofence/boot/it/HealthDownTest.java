package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The health contributor goes DOWN when the geo-fence has no country database to decide with. */
class HealthDownTest {

  @TempDir Path dir;

  @Test
  void geofenceIsDownWhileTheCountryDatabaseIsMissing() throws Exception {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ModelApplication.class)
            .properties(
                "server.port=0",
                "geofence.audit.enabled=false",
                "geofence.policy-file=" + Fixtures.policy(dir),
                "geofence.geoip.database=" + dir.resolve("not-yet.mmdb"),
                "geofence.geoip.missing=unknown",
                "management.endpoint.health.show-details=always")
            .run()) {
      int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);

      HttpResponse<String> response = Fixtures.get(port, "/actuator/health");

      JsonNode geofence =
          new ObjectMapper().readTree(response.body()).path("components").path("geofence");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(geofence.path("status").asText()).isEqualTo("DOWN");
      assertThat(geofence.path("details").path("policy.id").asText())
          .isEqualTo("ai-export-controls");
    }
  }
}
