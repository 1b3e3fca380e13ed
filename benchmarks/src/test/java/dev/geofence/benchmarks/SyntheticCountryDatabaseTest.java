package dev.geofence.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CountryResponse;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCountryDatabaseTest {

  @TempDir Path dir;

  @Test
  void everySampledAddressIsDistinctAndFoundWithTheCountryOfItsNetwork() throws Exception {
    SyntheticCountryDatabase.Layout layout = SyntheticCountryDatabase.layout(20_000);
    Path file = SyntheticCountryDatabase.ensure(dir, 20_000);
    InetAddress[] addresses = SyntheticCountryDatabase.sampleAddresses(layout, 60_000);

    assertThat(new HashSet<>(Arrays.asList(addresses))).hasSize(60_000);
    Set<String> countries = new HashSet<>();
    try (DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).build()) {
      for (InetAddress address : addresses) {
        Optional<CountryResponse> response = reader.tryCountry(address);
        assertThat(response).as("%s", address).isPresent();
        countries.add(response.get().country().isoCode());
      }
      assertThat(reader.getMetadata().databaseType()).isEqualTo("GeoLite2-Country");
      CountryResponse us = reader.tryCountry(addresses[0]).orElseThrow();
      assertThat(us.country().names()).containsKeys("de", "en", "ja", "zh-CN");
      assertThat(us.continent().code()).isNotNull();
    }
    assertThat(countries).as("every country owns networks").hasSize(layout.countries.length);
  }

  @Test
  void layoutHasTheRequestedSizeSevenTenthsIpv4AndSkipsPrivateSpace() {
    SyntheticCountryDatabase.Layout layout = SyntheticCountryDatabase.layout(50_000);

    assertThat(layout.networks).isEqualTo(50_000);
    assertThat(layout.ipv4Count).isEqualTo(35_000);
    InetAddress[] addresses = SyntheticCountryDatabase.sampleAddresses(layout, 50_000);
    long ipv4 = Arrays.stream(addresses).filter(a -> a instanceof Inet4Address).count();
    assertThat(ipv4).isEqualTo(35_000);
    assertThat(addresses)
        .noneMatch(a -> a.isSiteLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress());
  }

  @Test
  void sameSizeGivesTheSameLayoutAndAddresses() {
    assertThat(SyntheticCountryDatabase.sampleAddresses(SyntheticCountryDatabase.layout(1000), 100))
        .containsExactly(
            SyntheticCountryDatabase.sampleAddresses(SyntheticCountryDatabase.layout(1000), 100));
  }

  @Test
  void generatedFileIsReusedWhenPresent() throws IOException {
    Path first = SyntheticCountryDatabase.ensure(dir, 500);
    Files.writeString(first, "not regenerated");

    assertThat(SyntheticCountryDatabase.ensure(dir, 500))
        .isEqualTo(first)
        .hasContent("not regenerated");
  }

  @Test
  void refusesMoreAddressesThanTheSmallestNetworkHolds() {
    SyntheticCountryDatabase.Layout layout = SyntheticCountryDatabase.layout(10);

    assertThatThrownBy(() -> SyntheticCountryDatabase.sampleAddresses(layout, 10 * 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct hosts from a /24");
  }

  @Test
  void refusesANonPositiveNetworkCount() {
    assertThatThrownBy(() -> SyntheticCountryDatabase.layout(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Network count 0");
  }
}
