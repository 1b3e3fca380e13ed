package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.GeoIp2Records.AnonymousFlag;
import dev.geofence.mmdb.GeoIp2Records.LegacyTrait;
import dev.geofence.mmdb.MmdbWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LookupCommandTest {

  @TempDir Path dir;

  private Path city;
  private Path anonymous;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void databases() throws IOException {
    city = dir.resolve("city.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-City")
        .build()
        .insert(
            "192.0.2.0/24",
            GeoIp2Records.builder("UA")
                .registeredCountry("PL")
                .subdivisions("UA-43")
                .toCityRecord())
        .insert("2001:db8::/32", GeoIp2Records.country("DE"))
        .write(city);
    anonymous = dir.resolve("anon.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Anonymous-IP")
        .build()
        .insert(
            "192.0.2.128/25",
            GeoIp2Records.anonymousIp(AnonymousFlag.TOR_EXIT_NODE, AnonymousFlag.HOSTING_PROVIDER))
        .write(anonymous);
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void printsOneTsvLinePerAddressWithDashForEmpty() {
    int code =
        run(
            "lookup",
            "--geoip",
            city.toString(),
            "192.0.2.1",
            "::ffff:192.0.2.1",
            "2001:db8::7",
            "198.51.100.1");

    assertThat(code).isZero();
    assertThat(lines())
        .containsExactly(
            "192.0.2.1\tUA\tPL\tUA-43\t-",
            "::ffff:192.0.2.1\tUA\tPL\tUA-43\t-",
            "2001:db8::7\tDE\tDE\t-\t-",
            "198.51.100.1\t-\t-\t-\t-");
  }

  @Test
  void anonymousDatabaseFillsTheFlagsColumn() {
    int code =
        run(
            "lookup",
            "--geoip",
            city.toString(),
            "--anonymous-db",
            anonymous.toString(),
            "192.0.2.200",
            "192.0.2.1");

    assertThat(code).isZero();
    assertThat(lines())
        .containsExactly(
            "192.0.2.200\tUA\tPL\tUA-43\tanonymous,hosting_provider,tor_exit_node",
            "192.0.2.1\tUA\tPL\tUA-43\t-");
  }

  @Test
  void legacyTraitsOfACountryDatabaseFillTheFlagsColumnWithoutAnAnonymousDatabase()
      throws IOException {
    Path country = dir.resolve("country.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert(
            "203.0.113.0/25",
            GeoIp2Records.builder("US").legacyTraits(LegacyTrait.ANONYMOUS_PROXY).toCountryRecord())
        .insert(
            "203.0.113.128/25",
            GeoIp2Records.builder("NG")
                .legacyTraits(LegacyTrait.SATELLITE_PROVIDER)
                .toCountryRecord())
        .write(country);

    int code =
        run("lookup", "--geoip", country.toString(), "203.0.113.1", "203.0.113.200", "--json");

    assertThat(code).isZero();
    assertThat(lines())
        .extracting(line -> new ObjectMapper().readTree(line).get("anonymizer").toString())
        .containsExactly("[\"anonymous_proxy\"]", "[\"satellite_provider\"]");
    out.getBuffer().setLength(0);
    run("lookup", "--geoip", country.toString(), "203.0.113.1");
    assertThat(lines()).containsExactly("203.0.113.1\tUS\tUS\t-\tanonymous_proxy");
  }

  @Test
  void badAddressGetsDashFieldsAMessageAndExitOneWhileTheRunGoesOn() {
    int code = run("lookup", "--geoip", city.toString(), "localhost", "192.0.2.1", "1.2.3");

    assertThat(code).isEqualTo(Main.FINDING);
    assertThat(lines())
        .containsExactly(
            "localhost\t-\t-\t-\t-", "192.0.2.1\tUA\tPL\tUA-43\t-", "1.2.3\t-\t-\t-\t-");
    assertThat(err.toString())
        .contains(
            "geofence: 'localhost' is not an IP address; expected e.g. 192.0.2.1 or 2001:db8::1.")
        .contains("'1.2.3' is not an IP address")
        .doesNotContain("Exception");
  }

  @Test
  void jsonPrintsOneObjectPerLine() throws IOException {
    int code =
        run(
            "lookup",
            "--geoip",
            city.toString(),
            "--anonymous-db",
            anonymous.toString(),
            "--json",
            "192.0.2.200",
            "198.51.100.1",
            "nope");

    assertThat(code).isEqualTo(Main.FINDING);
    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode found = mapper.readTree(lines.get(0));
    assertThat(found.get("ip").asText()).isEqualTo("192.0.2.200");
    assertThat(found.get("status").asText()).isEqualTo("found");
    assertThat(found.get("country").asText()).isEqualTo("UA");
    assertThat(found.get("registered_country").asText()).isEqualTo("PL");
    assertThat(found.get("represented_country").isNull()).isTrue();
    assertThat(found.get("subdivisions").toString()).isEqualTo("[\"UA-43\"]");
    assertThat(found.get("anonymizer").toString())
        .isEqualTo("[\"anonymous\",\"hosting_provider\",\"tor_exit_node\"]");
    assertThat(found.get("network").asText()).isEqualTo("192.0.2.0/24");
    JsonNode missing = mapper.readTree(lines.get(1));
    assertThat(missing.get("status").asText()).isEqualTo("not_found");
    assertThat(missing.get("country").isNull()).isTrue();
    assertThat(mapper.readTree(lines.get(2)).get("error").asText()).isEqualTo("not an IP address");
  }

  @Test
  void dashReadsAddressesFromStandardInput() {
    InputStream original = System.in;
    System.setIn(
        new ByteArrayInputStream(
            "192.0.2.1\r\n\n  2001:db8::1  \nbad\n".getBytes(StandardCharsets.UTF_8)));
    try {
      int code = run("lookup", "--geoip", city.toString(), "198.51.100.1", "-");

      assertThat(code).isEqualTo(Main.FINDING);
      assertThat(lines())
          .containsExactly(
              "198.51.100.1\t-\t-\t-\t-",
              "192.0.2.1\tUA\tPL\tUA-43\t-",
              "2001:db8::1\tDE\tDE\t-\t-",
              "bad\t-\t-\t-\t-");
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void flatDatabaseIsReadAtTheGivenField() throws IOException {
    Path flat = dir.resolve("flat.mmdb");
    MmdbWriter.builder()
        .databaseType("Vendor-Country")
        .build()
        .insert("192.0.2.0/24", GeoIp2Records.flat("geo.cc", "NL"))
        .write(flat);

    int code = run("lookup", "--geoip", flat.toString(), "--flat-field", "geo.cc", "192.0.2.1");

    assertThat(code).isZero();
    assertThat(lines()).containsExactly("192.0.2.1\tNL\t-\t-\t-");
  }

  @Test
  void missingDatabaseIsOneSentenceAndExitOne() {
    Path absent = dir.resolve("absent.mmdb");
    int code = run("lookup", "--geoip", absent.toString(), "192.0.2.1");

    assertThat(code).isEqualTo(Main.FINDING);
    assertThat(err.toString().strip())
        .isEqualTo("geofence: GeoIP database " + absent + " does not exist.");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void wrongDatabaseTypeIsNamed() throws IOException {
    Path asn = dir.resolve("asn.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoLite2-ASN")
        .build()
        .insert("192.0.2.0/24", Map.of("autonomous_system_number", 1L))
        .write(asn);

    assertThat(run("lookup", "--geoip", asn.toString(), "192.0.2.1")).isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("is a GeoLite2-ASN database, which has no countries");
    assertThat(
            run(
                "lookup",
                "--geoip",
                city.toString(),
                "--anonymous-db",
                city.toString(),
                "192.0.2.1"))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString())
        .contains("is a GeoIP2-City database; expected a GeoIP2 Anonymous IP database");
  }

  @Test
  void missingOptionsAreAUsageError() {
    assertThat(run("lookup", "192.0.2.1")).isEqualTo(Main.USAGE);
    assertThat(run("lookup", "--geoip", city.toString())).isEqualTo(Main.USAGE);
    assertThat(run("lookup", "--geoip", city.toString(), "--schema", "csv", "192.0.2.1"))
        .isEqualTo(Main.USAGE);
  }

  /** Forms the filter's parser accepts: the lookup command looks up the same address. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "::ffff:192.0.2.1, 192.0.2.1",
    "[::ffff:192.0.2.1], 192.0.2.1",
    "192.0.2.1:80, 192.0.2.1",
    "2001:DB8::7, 2001:db8::7",
    "[2001:db8::7]:443, 2001:db8::7",
    "fe80::1%eth0, fe80::1",
  })
  void acceptsExactlyTheFormsTheFilterAccepts(String text, String address) {
    assertThat(IpAddresses.tryParse(text)).map(IpAddresses::format).hasValue(address);

    int code = run("lookup", "--geoip", city.toString(), text, address);

    assertThat(code).isZero();
    List<String> results = lines().stream().map(l -> l.substring(l.indexOf('\t'))).toList();
    assertThat(results).hasSize(2);
    assertThat(results.get(0)).isEqualTo(results.get(1));
  }

  /** Forms the filter's parser refuses: refused by the command too, never resolved as names. */
  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "localhost",
        "example.com",
        "1.2.3",
        "1.2.3.4.5",
        "0x7f.0.0.1",
        "010.0.0.1",
        "2130706433",
        "256.1.1.1",
        "abc",
        "deadbeef",
        "::g",
        "[]",
        "١٢٣.1.1.1",
        "%eth0"
      })
  void refusesExactlyTheFormsTheFilterRefuses(String text) {
    assertThat(IpAddresses.tryParse(text)).isEmpty();

    assertThat(run("lookup", "--geoip", city.toString(), text)).isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("is not an IP address");
  }

  @Test
  void namesAreNeverResolved() {
    // A name that would resolve (localhost always does) must still be refused.
    assertThat(
            run("lookup", "--geoip", city.toString(), "localhost", "ip6-localhost", "localhost."))
        .isEqualTo(Main.FINDING);
    assertThat(lines()).allSatisfy(line -> assertThat(line).endsWith("\t-\t-\t-\t-"));
  }
}
