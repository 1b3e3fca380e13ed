package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoDatabaseTest {

  private static final Instant BUILT = Instant.parse("2026-11-28T00:00:00Z");

  @TempDir Path temp;

  @ParameterizedTest(name = "{0} is in {1}")
  @CsvSource({
    "36.96.0.1, CN", // the banner's China caller
    "152.240.0.1, BR", // the banner's Brazil caller
    "6.0.0.1, US", // the banner's US caller
    "2.176.0.1, IR",
    "5.0.0.1, SY",
    "1.120.0.1, AU",
  })
  void demoDatabase_placesRealRangesInTheirCountries(String address, String country)
      throws Exception {
    try (GeoDatabase geo = GeoDatabase.builder().database(write()).build()) {
      GeoResult result = geo.lookup(InetAddress.getByName(address));

      assertThat(result.status()).isEqualTo(GeoResult.Status.FOUND);
      assertThat(result.country()).contains(country);
    }
  }

  @Test
  void bannerCallers_areInTheDemoDatabase() throws Exception {
    try (GeoDatabase geo = GeoDatabase.builder().database(write()).build()) {
      for (Banner.Caller caller : Banner.CALLERS) {
        assertThat(geo.lookup(InetAddress.getByName(caller.address())).found())
            .as(caller.address())
            .isTrue();
      }
    }
  }

  @Test
  void addressOutsideTheDemoRanges_isNotFound() throws Exception {
    try (GeoDatabase geo = GeoDatabase.builder().database(write()).build()) {
      assertThat(geo.lookup(InetAddress.getByName("192.0.2.1")).status())
          .isEqualTo(GeoResult.Status.NOT_FOUND);
    }
  }

  @Test
  void demoDatabase_isAGeoIp2CountryDatabaseWithTheGivenBuildTime() throws Exception {
    try (GeoDatabase geo = GeoDatabase.builder().database(write()).noMaxAge().build()) {
      DatabaseInfo info = geo.info().orElseThrow();

      assertThat(info.databaseType()).isEqualTo("GeoIP2-Country");
      assertThat(info.schema()).isEqualTo(DatabaseInfo.Schema.GEOIP2);
      assertThat(info.buildTime()).isEqualTo(BUILT);
    }
  }

  @Test
  void sameCsvAndBuildTime_giveTheSameBytes() throws Exception {
    Path first = write();
    Path second = temp.resolve("second.mmdb");
    DemoDatabase.writeTo(second, BUILT);

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
  }

  @Test
  void temporaryDatabase_isWrittenToANewFile() {
    Path file = DemoDatabase.writeTemporary(BUILT);

    assertThat(file).isRegularFile().isNotEmptyFile();
    assertThat(file.getFileName().toString()).endsWith(".mmdb");
  }

  private Path write() throws Exception {
    Path file = temp.resolve("demo.mmdb");
    if (!Files.exists(file)) {
      DemoDatabase.writeTo(file, BUILT);
    }
    return file;
  }
}
