package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.GeoIp2Records.LegacyTrait;
import dev.geofence.mmdb.MmdbWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An operator with only a Country, City or Enterprise database and no Anonymous IP database: the
 * legacy {@code is_anonymous_proxy} and {@code is_satellite_provider} traits of the caller's record
 * make the caller anonymous, so the policy's {@code anonymous} section decides.
 */
class LegacyAnonymizerTraitsTest {

  private static final String PROXY = "192.0.2.10";
  private static final String SATELLITE = "192.0.2.20";
  private static final String PLAIN = "192.0.2.30";

  @TempDir Path dir;
  private final JettyContainer container = new JettyContainer();
  private final CapturingSink audit = new CapturingSink();

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  private URI start(String databaseType) throws Exception {
    Path country = dir.resolve("country.mmdb");
    MmdbWriter.builder()
        .databaseType(databaseType)
        .buildEpoch(Fixtures.BUILT)
        .build()
        .insert(
            PROXY + "/32",
            GeoIp2Records.builder("US").legacyTraits(LegacyTrait.ANONYMOUS_PROXY).toCountryRecord())
        .insert(
            SATELLITE + "/32",
            GeoIp2Records.builder("US").legacyTraits(LegacyTrait.SATELLITE_PROVIDER).toCityRecord())
        .insert(PLAIN + "/32", GeoIp2Records.country("US"))
        .write(country);
    GeofenceSettings settings =
        GeofenceSettings.builder()
            .policyFile(Fixtures.write(dir.resolve("policy.yaml"), Fixtures.POLICY_V1))
            .policyWatchInterval(Duration.ZERO)
            .geoipDatabase(country) // and no anonymous database
            .databaseWatchInterval(Duration.ZERO)
            .noDatabaseMaxAge()
            .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"))
            .auditLog(AuditLog.builder().sink(audit).build())
            .build();
    return container.start(new GeofenceFilter(settings), Map.of(), dir);
  }

  @ParameterizedTest
  @CsvSource({
    "GeoIP2-Country,    192.0.2.10, 451, anonymous, anonymous_proxy",
    "GeoIP2-Country,    192.0.2.20, 451, anonymous, satellite_provider",
    "GeoIP2-Country,    192.0.2.30, 200, allies,    ''",
    "GeoLite2-City,     192.0.2.10, 451, anonymous, anonymous_proxy",
    "GeoIP2-Enterprise, 192.0.2.20, 451, anonymous, satellite_provider"
  })
  void legacyTraitsMakeTheCallerAnonymousWithoutAnAnonymousIpDatabase(
      String databaseType, String caller, int status, String rule, String flag) throws Exception {
    URI base = start(databaseType);

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", caller, "{\"model\":\"small-1\"}");

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(audit.last().ruleName()).isEqualTo(rule);
    if (flag.isEmpty()) {
      assertThat(audit.last().anonymizerFlags()).isEmpty();
    } else {
      assertThat(audit.last().anonymizerFlags()).containsExactly(flag);
      assertThat(Http.json(response).get("detail").asText()).containsIgnoringCase("anonymi");
    }
  }
}
