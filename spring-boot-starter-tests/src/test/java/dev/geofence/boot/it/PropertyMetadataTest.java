package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration metadata in the starter's jar, from which IDEs complete and describe the
 * properties: the names users are promised, each with a description.
 */
class PropertyMetadataTest {

  private static final Map<String, JsonNode> PROPERTIES = read();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "geofence.enabled",
        "geofence.policy-file",
        "geofence.geoip.database",
        "geofence.geoip.anonymous-database",
        "geofence.trusted-proxies",
        "geofence.proxy-header",
        "geofence.audit.directory",
        "geofence.audit.durability",
        "geofence.audit.scope",
        "geofence.refusal-format",
        "geofence.block-status",
        "geofence.url-patterns",
        "geofence.order"
      })
  void theStartersPropertyIsDescribedForIdes(String name) {
    assertThat(PROPERTIES).containsKey(name);
    assertThat(PROPERTIES.get(name).path("description").asText()).isNotBlank();
  }

  /** The starter's properties, from its jar's file among every jar's. */
  private static Map<String, JsonNode> read() {
    Map<String, JsonNode> byName = new HashMap<>();
    try {
      for (URL url :
          Collections.list(
              PropertyMetadataTest.class
                  .getClassLoader()
                  .getResources("META-INF/spring-configuration-metadata.json"))) {
        try (InputStream in = url.openStream()) {
          for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
            if (property.path("sourceType").asText().startsWith("dev.geofence")) {
              byName.put(property.path("name").asText(), property);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName;
  }
}
