package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.model.ModelRoutes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeofenceSettingsTest {

  private static GeofenceSettings.Builder minimal() {
    return GeofenceSettings.builder()
        .policyFile(Path.of("p.yaml"))
        .geoipDatabase(Path.of("c.mmdb"));
  }

  @Test
  void defaults() {
    GeofenceSettings s = minimal().build();

    assertThat(s.blockStatus()).isEqualTo(451);
    assertThat(s.refusalFormat()).isEqualTo(RefusalFormat.PROBLEM);
    assertThat(s.maxBodySize()).isEqualTo(4 * 1024 * 1024);
    assertThat(s.maxInflatedSize()).isEqualTo(s.maxBodySize());
    assertThat(s.maxBatchEntries()).isEqualTo(100_000);
    assertThat(s.policyWatchInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.databaseMaxAge()).hasValue(Duration.ofDays(30));
    assertThat(s.unmatched()).isEqualTo(GeofenceSettings.Unmatched.EVALUATE);
    assertThat(s.trustedProxies().isEmpty()).isTrue();
    assertThat(s.decisionHeaders()).isFalse();
    assertThat(s.requestIdHeader()).isEmpty();
    assertThat(s.routes()).isEqualTo(GeofenceSettings.DEFAULT_ROUTES);
    assertThat(ModelRoutes.parse(s.routes()).match("POST", "/v1/messages/batches"))
        .map(r -> r.readsBatch())
        .contains(true);
    assertThat(ModelRoutes.parse(s.routes()).match("POST", "/v1/batches"))
        .map(r -> r.decidesUnreadAsHighest())
        .contains(true);
    assertThat(s.requestedModelHeader()).isEqualTo("Geofence-Requested-Model");
    assertThat(s.usageStore()).isEqualTo("local");
    assertThat(s.usageStoreFailure()).isEqualTo(UsageStoreFailure.LOCAL);
    assertThat(s.usageStoreTimeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.usageMaxKeys()).isEqualTo(100_000);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        bad(b -> b.blockStatus(200), "Block status 200"),
        bad(b -> b.blockStatus(503), "Block status 503"),
        bad(b -> b.maxBodySize(0), "Maximum body size 0"),
        bad(
            b -> b.maxBatchEntries(0),
            "Maximum batch entries 0 is out of range; expected 1 to 1000000 (default 100000)."),
        bad(b -> b.maxBatchEntries(1_000_001), "Maximum batch entries 1000001 is out of range"),
        bad(b -> b.maxInflatedSize(1L << 31), "Maximum inflated size 2147483648"),
        bad(b -> b.cacheSize(-1), "Cache size -1"),
        bad(b -> b.maxHops(0), "Maximum hops 0"),
        bad(b -> b.maxHeaderLength(0), "Maximum header length 0"),
        bad(b -> b.policyWatchInterval(Duration.ofMillis(1)), "Policy watch interval PT0.001S"),
        bad(b -> b.databaseWatchInterval(Duration.ofSeconds(-1)), "Database watch interval PT-1S"),
        bad(b -> b.databaseMaxAge(Duration.ZERO), "Database maximum age PT0S"),
        bad(b -> b.flatCountryField("a..b"), "Flat country field 'a..b'"),
        bad(b -> b.policyUrl(URI.create("/relative")), "Policy URL '/relative'"),
        bad(b -> b.auditMaxFileSize(100), "Audit maximum file size 100"),
        bad(b -> b.auditRotateEvery(Duration.ofMillis(5)), "Audit rotation period PT0.005S"),
        bad(b -> b.requestIdHeader("X Id"), "Request id header 'X Id'"),
        bad(b -> b.servedModelHeader(""), "Served model header ''"),
        bad(b -> b.routes("GET"), "Route 1 'GET'"));
  }

  private static Arguments bad(Consumer<GeofenceSettings.Builder> set, String message) {
    return Arguments.of(set, message);
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void eachOptionIsCheckedWhenSet(Consumer<GeofenceSettings.Builder> set, String message) {
    assertThatThrownBy(() -> set.accept(minimal()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void policyFileAndDatabaseAreRequired() {
    assertThatThrownBy(() -> GeofenceSettings.builder().geoipDatabase(Path.of("c")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policy-file");
    assertThatThrownBy(() -> GeofenceSettings.builder().policyFile(Path.of("p")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("geoip-database");
  }

  @Test
  void inflatedLimitMayNotBeBelowTheBodyLimit() {
    assertThatThrownBy(() -> minimal().maxBodySize(1000).maxInflatedSize(999).build())
        .hasMessageContaining("Maximum inflated size 999 is below the maximum body size 1000");
    assertThat(minimal().maxBodySize(1000).build().maxInflatedSize()).isEqualTo(1000);
  }
}
