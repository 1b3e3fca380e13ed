package dev.geofence.mmdb;

import static dev.geofence.mmdb.GeoIp2Records.AnonymousFlag.HOSTING_PROVIDER;
import static dev.geofence.mmdb.GeoIp2Records.AnonymousFlag.TOR_EXIT_NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import com.maxmind.geoip2.model.EnterpriseResponse;
import com.maxmind.geoip2.record.Subdivision;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records are checked with MaxMind's own GeoIP2 reader, which is what the filter uses. */
// Traits' anonymizer flags are deprecated in geoip2 5 but still how Enterprise traits read.
@SuppressWarnings({"rawtypes", "unchecked", "removal"})
class GeoIp2RecordsTest {

  @TempDir Path dir;

  private DatabaseReader database(String type, String network, Map<String, Object> record)
      throws IOException {
    Path file = dir.resolve(type + ".mmdb");
    MmdbWriter.builder().databaseType(type).build().insert(network, record).write(file);
    return new DatabaseReader.Builder(file.toFile()).build();
  }

  @Test
  void countryRecordReadsAsGeoIp2Country() throws Exception {
    Map<String, Object> record =
        GeoIp2Records.builder("de")
            .registeredCountry("US")
            .representedCountry("US", "military")
            .toCountryRecord();
    try (DatabaseReader reader = database("GeoIP2-Country", "192.0.2.0/24", record)) {
      CountryResponse response =
          reader.tryCountry(InetAddress.getByName("192.0.2.1")).orElseThrow();
      assertThat(response.country().isoCode()).isEqualTo("DE");
      assertThat(response.registeredCountry().isoCode()).isEqualTo("US");
      assertThat(response.representedCountry().isoCode()).isEqualTo("US");
      assertThat(response.representedCountry().type()).isEqualTo("military");
      assertThat(reader.tryCountry(InetAddress.getByName("192.0.3.1"))).isEmpty();
    }
  }

  @Test
  void legacyTraitsAreWrittenUnderTraitsAsMaxMindWroteThem() throws Exception {
    // geoip2 5 no longer reads these traits, so the raw record is checked.
    Map<String, Object> record =
        GeoIp2Records.builder("GB")
            .legacyTraits(
                GeoIp2Records.LegacyTrait.ANONYMOUS_PROXY,
                GeoIp2Records.LegacyTrait.SATELLITE_PROVIDER)
            .toCountryRecord();
    Path file = dir.resolve("legacy.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("192.0.2.0/24", record)
        .write(file);
    try (Reader reader = new Reader(file.toFile())) {
      Map data = reader.get(InetAddress.getByName("192.0.2.1"), Map.class);
      assertThat((Map) data.get("traits"))
          .isEqualTo(Map.of("is_anonymous_proxy", true, "is_satellite_provider", true));
      assertThat(((Map) data.get("country")).get("iso_code")).isEqualTo("GB");
    }
    assertThat(GeoIp2Records.country("GB")).doesNotContainKey("traits");
  }

  @Test
  void cityRecordCarriesSubdivisionsInOrder() throws Exception {
    try (DatabaseReader reader =
        database("GeoIP2-City", "2001:db8::/32", GeoIp2Records.city("UA", "UA-43", "5"))) {
      CityResponse response = reader.tryCity(InetAddress.getByName("2001:db8::1")).orElseThrow();
      assertThat(response.country().isoCode()).isEqualTo("UA");
      assertThat(response.subdivisions()).map(Subdivision::isoCode).containsExactly("43", "5");
    }
  }

  @Test
  void enterpriseRecordCarriesConfidenceAndTraits() throws Exception {
    Map<String, Object> record =
        GeoIp2Records.enterprise("FR", List.of("FR-IDF"), Set.of(TOR_EXIT_NODE));
    try (DatabaseReader reader = database("GeoIP2-Enterprise", "198.51.100.0/24", record)) {
      EnterpriseResponse response =
          reader.tryEnterprise(InetAddress.getByName("198.51.100.9")).orElseThrow();
      assertThat(response.country().isoCode()).isEqualTo("FR");
      assertThat(response.country().confidence()).isEqualTo(90);
      assertThat(response.subdivisions()).map(Subdivision::isoCode).containsExactly("IDF");
      assertThat(response.traits().isTorExitNode()).isTrue();
      assertThat(response.traits().isAnonymous()).isTrue();
      assertThat(response.traits().isPublicProxy()).isFalse();
    }
  }

  @Test
  void anonymousIpRecordSetsOnlyTheGivenFlags() throws Exception {
    try (DatabaseReader reader =
        database(
            "GeoIP2-Anonymous-IP", "203.0.113.0/24", GeoIp2Records.anonymousIp(HOSTING_PROVIDER))) {
      AnonymousIpResponse response =
          reader.tryAnonymousIp(InetAddress.getByName("203.0.113.5")).orElseThrow();
      assertThat(response.isAnonymous()).isTrue();
      assertThat(response.isHostingProvider()).isTrue();
      assertThat(response.isAnonymousVpn()).isFalse();
      assertThat(response.isTorExitNode()).isFalse();
      assertThat(response.network().toString()).isEqualTo("203.0.113.0/24");
    }
  }

  @Test
  void flatRecordsPutTheCodeAtTheFieldPath() throws Exception {
    assertThat(GeoIp2Records.flat("us")).isEqualTo(Map.of("country_code", "US"));
    assertThat(GeoIp2Records.flat("location.country.code", "US"))
        .isEqualTo(Map.of("location", Map.of("country", Map.of("code", "US"))));
    Path file = dir.resolve("flat.mmdb");
    MmdbWriter.builder()
        .databaseType("ipinfo lite")
        .build()
        .insert("192.0.2.0/24", GeoIp2Records.flat("NL"))
        .write(file);
    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.get(InetAddress.getByName("192.0.2.3"), Map.class))
          .isEqualTo(Map.of("country_code", "NL"));
    }
  }

  @Test
  void malformedCodesAreRejected() {
    assertThatThrownBy(() -> GeoIp2Records.country("DEU"))
        .hasMessageContaining("Country code 'DEU'");
    assertThatThrownBy(() -> GeoIp2Records.country("1A")).hasMessageContaining("Country code '1A'");
    assertThatThrownBy(() -> GeoIp2Records.city("UA", "PL-43"))
        .hasMessageContaining("Subdivision 'PL-43'");
    assertThatThrownBy(() -> GeoIp2Records.flat("a..b", "US"))
        .hasMessageContaining("Field path 'a..b'");
  }
}
