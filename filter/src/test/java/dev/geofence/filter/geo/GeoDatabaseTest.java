package dev.geofence.filter.geo;

import static dev.geofence.filter.geo.TestDatabases.BUILT;
import static dev.geofence.filter.geo.TestDatabases.write;
import static dev.geofence.mmdb.GeoIp2Records.AnonymousFlag.ANONYMOUS_VPN;
import static dev.geofence.mmdb.GeoIp2Records.AnonymousFlag.TOR_EXIT_NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.geo.DatabaseInfo.Schema;
import dev.geofence.filter.geo.GeoDatabaseException.Reason;
import dev.geofence.filter.geo.GeoResult.Status;
import dev.geofence.mmdb.GeoIp2Records;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeoDatabaseTest {

  @TempDir Path dir;

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private GeoDatabase open(Path database) {
    return GeoDatabase.builder().database(database).noMaxAge().build();
  }

  @Test
  void geoIp2CountryDatabaseAnswersCountriesAndNetwork() {
    Path db =
        write(
            dir.resolve("country.mmdb"),
            "GeoIP2-Country",
            "192.0.2.0/24",
            GeoIp2Records.builder("DE")
                .registeredCountry("US")
                .representedCountry("US", "military")
                .toCountryRecord(),
            "2001:db8::/32",
            GeoIp2Records.country("FR"));
    try (GeoDatabase geo = open(db)) {
      GeoResult v4 = geo.lookup(ip("192.0.2.77"));
      assertThat(v4.status()).isEqualTo(Status.FOUND);
      assertThat(v4.country()).contains("DE");
      assertThat(v4.registeredCountry()).contains("US");
      assertThat(v4.representedCountry()).contains("US");
      assertThat(v4.network()).contains("192.0.2.0/24");
      assertThat(v4.subdivisions()).isEmpty();
      assertThat(v4.anonymizer()).isEmpty();

      GeoResult v6 = geo.lookup(ip("2001:db8:1::5"));
      assertThat(v6.country()).contains("FR");
      assertThat(v6.network()).contains("2001:db8::/32");

      assertThat(geo.lookup(ip("198.51.100.1"))).isEqualTo(GeoResult.notFound());
      assertThat(geo.info().orElseThrow().schema()).isEqualTo(Schema.GEOIP2);
    }
  }

  @Test
  void cityDatabaseGivesFullSubdivisionCodes() {
    Path db =
        write(
            dir.resolve("city.mmdb"),
            "GeoIP2-City",
            "192.0.2.0/24",
            GeoIp2Records.city("UA", "UA-43", "5"));
    try (GeoDatabase geo = open(db)) {
      assertThat(geo.lookup(ip("192.0.2.1")).subdivisions()).containsExactly("UA-43", "UA-5");
    }
  }

  @Test
  void enterpriseDatabaseGivesSubdivisionsAndAnonymizerTraits() {
    Path db =
        write(
            dir.resolve("enterprise.mmdb"),
            "GeoIP2-Enterprise",
            "192.0.2.0/24",
            GeoIp2Records.enterprise("GB", List.of("GB-ENG"), Set.of(TOR_EXIT_NODE)));
    try (GeoDatabase geo = open(db)) {
      GeoResult result = geo.lookup(ip("192.0.2.1"));
      assertThat(result.country()).contains("GB");
      assertThat(result.subdivisions()).containsExactly("GB-ENG");
      assertThat(result.anonymizer())
          .containsExactlyInAnyOrder(AnonymizerFlag.ANONYMOUS, AnonymizerFlag.TOR_EXIT_NODE);
    }
  }

  @Test
  void flatDatabaseIsReadAtTheDefaultField() {
    // IPinfo Lite-like: "country" is a name (a string), so this is not the GeoIP2 schema.
    Path db =
        write(
            dir.resolve("ipinfo.mmdb"),
            "ipinfo lite.mmdb",
            "192.0.2.0/24",
            Map.of("country", "Germany", "country_code", "DE", "asn", "AS3320"),
            "198.51.100.0/24",
            Map.of("country_code", "xx-not-a-code"));
    try (GeoDatabase geo = open(db)) {
      assertThat(geo.info().orElseThrow().schema()).isEqualTo(Schema.FLAT);
      GeoResult result = geo.lookup(ip("192.0.2.1"));
      assertThat(result.country()).contains("DE");
      assertThat(result.registeredCountry()).isEmpty();
      assertThat(result.network()).contains("192.0.2.0/24");
      GeoResult malformed = geo.lookup(ip("198.51.100.1"));
      assertThat(malformed.status()).isEqualTo(Status.FOUND);
      assertThat(malformed.country()).isEmpty();
    }
  }

  @Test
  void flatDatabaseIsReadAtAConfiguredDottedPath() {
    Path db =
        write(
            dir.resolve("nested.mmdb"),
            "Vendor-Country",
            "192.0.2.0/24",
            GeoIp2Records.flat("location.cc", "nl"));
    try (GeoDatabase geo =
        GeoDatabase.builder().database(db).flatCountryField("location.cc").build()) {
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("NL");
    }
  }

  static Stream<Arguments> schemas() {
    return Stream.of(
        Arguments.of("GeoLite2-Country", GeoIp2Records.country("DE"), Schema.GEOIP2),
        Arguments.of("DBIP-Country-Lite", GeoIp2Records.country("DE"), Schema.GEOIP2),
        Arguments.of("GeoIP2-City", GeoIp2Records.city("DE", "BY"), Schema.GEOIP2),
        Arguments.of("DBIP-Country-Lite", GeoIp2Records.flat("DE"), Schema.FLAT),
        Arguments.of(
            "ipinfo lite.mmdb", Map.of("country", "Germany", "country_code", "DE"), Schema.FLAT));
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("schemas")
  void schemaIsDetectedFromTheRecords(String type, Map<String, Object> record, Schema expected) {
    try (GeoDatabase geo = open(write(dir.resolve("db.mmdb"), type, "192.0.2.0/24", record))) {
      assertThat(geo.info().orElseThrow().schema()).isEqualTo(expected);
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
    }
  }

  @Test
  void emptyCountryDatabaseIsGeoIp2ByItsType() {
    try (GeoDatabase geo = open(write(dir.resolve("empty.mmdb"), "GeoLite2-Country"))) {
      assertThat(geo.info().orElseThrow().schema()).isEqualTo(Schema.GEOIP2);
      assertThat(geo.lookup(ip("192.0.2.1")).status()).isEqualTo(Status.NOT_FOUND);
    }
  }

  @Test
  void forcedSchemaThatNoRecordMatchesIsRefused() {
    Path db = write(dir.resolve("flat.mmdb"), "Vendor", "192.0.2.0/24", GeoIp2Records.flat("DE"));
    assertThatThrownBy(() -> GeoDatabase.builder().database(db).schema(Schema.GEOIP2).build())
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining("was set to schema GEOIP2")
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isEqualTo(Reason.UNKNOWN_SCHEMA);
  }

  @Test
  void recordsWithoutAnyCountryAreRefusedWithAHint() {
    Path db =
        write(dir.resolve("other.mmdb"), "Vendor-Something", "192.0.2.0/24", Map.of("cc", "DE"));
    assertThatThrownBy(() -> open(db))
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining(
            "neither GeoIP2 fields (country.iso_code) nor the flat field 'country_code'")
        .hasMessageContaining("flat country field path");
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of(
            "GeoLite2-ASN",
            "is a GeoLite2-ASN database, which has no countries; expected a Country, City or Enterprise"),
        Arguments.of("GeoIP2-ISP", "is a GeoIP2-ISP database"),
        Arguments.of("DBIP-ASN-Lite", "is a DBIP-ASN-Lite database"),
        Arguments.of("GeoIP2-Anonymous-IP", "give it as the anonymous-IP database instead"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongTypes")
  void wrongDatabaseTypeIsRefusedAtOpen(String type, String message) {
    Path db =
        write(
            dir.resolve("wrong.mmdb"),
            type,
            "192.0.2.0/24",
            Map.of("autonomous_system_number", 64496L));
    assertThatThrownBy(() -> open(db))
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining(db.toString())
        .hasMessageContaining(message)
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void countryDatabaseGivenAsAnonymousDatabaseIsRefused() {
    Path country = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    assertThatThrownBy(
            () -> GeoDatabase.builder().database(country).anonymousDatabase(country).build())
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining(
            "Anonymous-IP database "
                + country
                + " is a GeoIP2-Country database; expected a GeoIP2 Anonymous IP database");
  }

  @Test
  void anonymousDatabaseAddsFlags() {
    Path country = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    Path anonymous =
        write(
            dir.resolve("anon.mmdb"),
            "GeoIP2-Anonymous-IP",
            "192.0.2.128/25",
            GeoIp2Records.anonymousIp(ANONYMOUS_VPN),
            "198.51.100.0/24",
            GeoIp2Records.anonymousIp(TOR_EXIT_NODE));
    try (GeoDatabase geo =
        GeoDatabase.builder().database(country).anonymousDatabase(anonymous).noMaxAge().build()) {
      assertThat(geo.lookup(ip("192.0.2.200")).anonymizer())
          .containsExactlyInAnyOrder(AnonymizerFlag.ANONYMOUS, AnonymizerFlag.ANONYMOUS_VPN);
      assertThat(geo.lookup(ip("192.0.2.200")).is(AnonymizerFlag.ANONYMOUS_VPN)).isTrue();
      assertThat(geo.lookup(ip("192.0.2.1")).anonymizer()).isEmpty();
      GeoResult notInCountryDb = geo.lookup(ip("198.51.100.1"));
      assertThat(notInCountryDb.status()).isEqualTo(Status.NOT_FOUND);
      assertThat(notInCountryDb.anonymizer()).contains(AnonymizerFlag.TOR_EXIT_NODE);
      assertThat(geo.anonymousInfo().orElseThrow().databaseType()).isEqualTo("GeoIP2-Anonymous-IP");
    }
  }

  @Test
  void corruptFileIsRefused() throws IOException {
    Path db =
        Files.write(
            dir.resolve("corrupt.mmdb"), "this is not a MaxMind database".repeat(100).getBytes());
    assertThatThrownBy(() -> open(db))
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining(
            "GeoIP database " + db + " is not a valid MaxMind DB file (corrupt or truncated)")
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isEqualTo(Reason.CORRUPT);
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    Path db = TestDatabases.country(dir.resolve("full.mmdb"), "DE");
    byte[] bytes = Files.readAllBytes(db);
    Path truncated =
        Files.write(
            dir.resolve("truncated.mmdb"), java.util.Arrays.copyOf(bytes, bytes.length - 40));
    assertThatThrownBy(() -> open(truncated))
        .isInstanceOf(GeoDatabaseException.class)
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isEqualTo(Reason.CORRUPT);
  }

  @Test
  void damagedDataSectionIsRefused() throws IOException {
    Path db = TestDatabases.country(dir.resolve("full.mmdb"), "DE");
    byte[] bytes = Files.readAllBytes(db);
    int data = indexOf(bytes, new byte[16]) + 16;
    for (int i = data; i < data + 12; i++) {
      bytes[i] = (byte) 0xFF; // nonsense control bytes where the first record starts
    }
    Path damaged = Files.write(dir.resolve("damaged.mmdb"), bytes);
    assertThatThrownBy(() -> open(damaged))
        .isInstanceOf(GeoDatabaseException.class)
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isIn(Reason.CORRUPT, Reason.UNKNOWN_SCHEMA);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("separator not found");
  }

  @Test
  void missingFileFailsAtStartByDefault() {
    Path db = dir.resolve("absent.mmdb");
    assertThatThrownBy(() -> GeoDatabase.builder().database(db).build())
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessage("GeoIP database " + db + " does not exist.")
        .extracting(e -> ((GeoDatabaseException) e).reason())
        .isEqualTo(Reason.MISSING);
  }

  @Test
  void missingFileWithUnknownModeAnswersUnavailableUntilItAppears() {
    Path db = dir.resolve("later.mmdb");
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .missingDatabase(GeoDatabase.MissingDatabase.UNKNOWN)
            .noMaxAge()
            .build()) {
      assertThat(geo.lookup(ip("192.0.2.1"))).isEqualTo(GeoResult.unavailable());
      assertThat(geo.info()).isEmpty();
      assertThat(geo.healthy()).isFalse();

      TestDatabases.country(db, "DE");
      geo.reload();

      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
      assertThat(geo.healthy()).isTrue();
    }
  }

  @Test
  void missingAnonymousDatabaseWithUnknownModeFailsClosed() {
    Path country = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(country)
            .anonymousDatabase(dir.resolve("absent.mmdb"))
            .missingDatabase(GeoDatabase.MissingDatabase.UNKNOWN)
            .build()) {
      assertThat(geo.lookup(ip("192.0.2.1")).status()).isEqualTo(Status.UNAVAILABLE);
    }
  }

  @Test
  void infoCarriesTypeBuildTimeAndSha256OfTheFile() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    String expected =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db)));
    try (GeoDatabase geo = open(db)) {
      DatabaseInfo info = geo.info().orElseThrow();
      assertThat(info.path()).isEqualTo(db);
      assertThat(info.databaseType()).isEqualTo("GeoIP2-Country");
      assertThat(info.buildTime()).isEqualTo(BUILT);
      assertThat(info.sha256()).isEqualTo(expected);
      assertThat(info.stale()).isFalse();
      assertThat(geo.anonymousInfo()).isEmpty();
    }
  }

  @Test
  void databaseOlderThanMaxAgeIsStaleButStillAnswersByDefault() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    Clock later = Clock.fixed(BUILT.plus(Duration.ofDays(15)), ZoneOffset.UTC);
    try (GeoDatabase geo =
        GeoDatabase.builder().database(db).maxAge(Duration.ofDays(14)).clock(later).build()) {
      assertThat(geo.info().orElseThrow().stale()).isTrue();
      assertThat(geo.healthy()).isFalse();
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
    }
  }

  @Test
  void staleDatabaseAnswersUnavailableWhenConfigured() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    Clock later = Clock.fixed(BUILT.plus(Duration.ofDays(15)), ZoneOffset.UTC);
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .maxAge(Duration.ofDays(14))
            .staleIsUnavailable(true)
            .clock(later)
            .build()) {
      assertThat(geo.lookup(ip("192.0.2.1"))).isEqualTo(GeoResult.unavailable());
    }
  }

  @Test
  void databaseWithinMaxAgeIsFresh() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    Clock soon = Clock.fixed(BUILT.plus(Duration.ofDays(13)), ZoneOffset.UTC);
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .maxAge(Duration.ofDays(14))
            .staleIsUnavailable(true)
            .clock(soon)
            .build()) {
      assertThat(geo.info().orElseThrow().stale()).isFalse();
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
    }
  }

  @Test
  void cacheCountsHitsAndMissesIncludingNotFound() {
    try (GeoDatabase geo = open(TestDatabases.country(dir.resolve("country.mmdb"), "DE"))) {
      geo.lookup(ip("192.0.2.1"));
      geo.lookup(ip("192.0.2.1"));
      geo.lookup(ip("198.51.100.1"));
      geo.lookup(ip("198.51.100.1"));
      geo.lookup(ip("198.51.100.1"));

      GeoCacheStats stats = geo.cacheStats();
      assertThat(stats.misses()).isEqualTo(2);
      assertThat(stats.hits()).isEqualTo(3);
      assertThat(stats.size()).isEqualTo(2);
      assertThat(stats.hitRate()).isEqualTo(0.6);
    }
  }

  @Test
  void aRepeatedAddressObjectIsAnsweredAgainAndCountedAsAHit() {
    // The resolver hands out one object per repeated caller: those are answered by identity in
    // front of Caffeine, and must count as the hits they are.
    try (GeoDatabase geo = open(TestDatabases.country(dir.resolve("country.mmdb"), "DE"))) {
      InetAddress caller = ip("192.0.2.1");
      GeoResult first = geo.lookup(caller);
      GeoResult second = geo.lookup(caller);
      GeoResult equalButOther = geo.lookup(ip("192.0.2.1"));
      GeoResult third = geo.lookup(caller);

      assertThat(first.country()).contains("DE");
      assertThat(second).isSameAs(first);
      assertThat(third).isSameAs(first);
      assertThat(equalButOther).isSameAs(first);
      assertThat(geo.cacheStats()).isEqualTo(new GeoCacheStats(3, 1, 0, 1));
    }
  }

  @Test
  void aRepeatedAddressObjectGetsTheReloadedDatabasesAnswer() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = open(db)) {
      InetAddress caller = ip("192.0.2.1");
      geo.lookup(caller);
      assertThat(geo.lookup(caller).country()).contains("DE");
      TestDatabases.replaceByRename(db, "PL");
      geo.reload();

      assertThat(geo.lookup(caller).country()).contains("PL");
      assertThat(geo.lookup(caller).country()).contains("PL");
      assertThat(geo.cacheStats()).isEqualTo(new GeoCacheStats(2, 2, 0, 1));
    }
  }

  @Test
  void cacheSizeZeroTurnsTheCacheOff() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = GeoDatabase.builder().database(db).cacheSize(0).build()) {
      geo.lookup(ip("192.0.2.1"));
      geo.lookup(ip("192.0.2.1"));
      assertThat(geo.cacheStats()).isEqualTo(new GeoCacheStats(0, 0, 0, 0));
    }
  }

  @Test
  void reloadEmptiesTheCacheAndKeepsCountingStats() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = open(db)) {
      geo.lookup(ip("192.0.2.1"));
      geo.lookup(ip("192.0.2.1"));
      TestDatabases.replaceByRename(db, "PL");
      geo.reload();

      assertThat(geo.cacheStats().size()).isZero();
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("PL");
      assertThat(geo.cacheStats()).isEqualTo(new GeoCacheStats(1, 2, 0, 1));
    }
  }

  @Test
  void reloadOfACorruptFileThrowsAndKeepsTheOldData() throws IOException {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = open(db)) {
      String oldSha = geo.info().orElseThrow().sha256();
      Files.write(db, new byte[] {1, 2, 3});

      assertThatThrownBy(geo::reload)
          .isInstanceOf(GeoDatabaseException.class)
          .hasMessageContaining("corrupt or truncated");
      assertThat(geo.lastReloadError())
          .get()
          .extracting(GeoDatabaseException::reason)
          .isEqualTo(Reason.CORRUPT);
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
      assertThat(geo.info().orElseThrow().sha256()).isEqualTo(oldSha);

      TestDatabases.replaceByRename(db, "CZ");
      geo.reload();
      assertThat(geo.lastReloadError()).isEmpty();
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("CZ");
    }
  }

  @Test
  void reloadOfAWrongTypeIsRefused() {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = open(db)) {
      write(db, "GeoLite2-ASN", "192.0.2.0/24", Map.of("autonomous_system_number", 1L));
      assertThatThrownBy(geo::reload).hasMessageContaining("GeoLite2-ASN");
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("DE");
    }
  }

  static Stream<Arguments> aliases() {
    return Stream.of(
        Arguments.of("::ffff:192.0.2.9", 6),
        Arguments.of("2002:c000:209::1", 6),
        Arguments.of("::ffff:192.0.2.9", 4));
  }

  @ParameterizedTest(name = "{0} in an IPv{1} database")
  @MethodSource("aliases")
  void ipv4MappedAndSixToFourAddressesFindTheIpv4Record(String address, int ipVersion)
      throws IOException {
    Path db = dir.resolve("aliases.mmdb");
    dev.geofence.mmdb.MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .ipVersion(ipVersion)
        .build()
        .insert("192.0.2.0/24", GeoIp2Records.country("JP"))
        .write(db);
    try (GeoDatabase geo = open(db)) {
      assertThat(geo.lookup(inet6(address)).country()).contains("JP");
    }
  }

  @Test
  void ipv6AddressInAnIpv4DatabaseIsNotFound() throws IOException {
    Path db = dir.resolve("v4.mmdb");
    dev.geofence.mmdb.MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .ipVersion(4)
        .build()
        .insert("0.0.0.0/0", GeoIp2Records.country("JP"))
        .write(db);
    try (GeoDatabase geo = open(db)) {
      assertThat(geo.lookup(ip("2001:db8::1"))).isEqualTo(GeoResult.notFound());
      assertThat(geo.lookup(ip("192.0.2.1")).country()).contains("JP");
    }
  }

  /** Builds an Inet6Address even for mapped text, which the JDK would turn into IPv4. */
  private static InetAddress inet6(String text) throws IOException {
    InetAddress parsed = InetAddress.getByName(text);
    byte[] bytes = parsed.getAddress();
    if (bytes.length == 4) {
      bytes =
          new byte[] {
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            (byte) 0xFF,
            (byte) 0xFF,
            bytes[0],
            bytes[1],
            bytes[2],
            bytes[3]
          };
    }
    return Inet6Address.getByAddress(null, bytes, -1);
  }

  @Test
  void closedDatabaseAnswersUnavailable() {
    GeoDatabase geo = open(TestDatabases.country(dir.resolve("country.mmdb"), "DE"));
    geo.close();
    geo.close();
    assertThat(geo.lookup(ip("192.0.2.1"))).isEqualTo(GeoResult.unavailable());
    assertThatThrownBy(geo::reload).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderValidatesEachSetting() {
    assertThatThrownBy(() -> GeoDatabase.builder().cacheSize(-1))
        .hasMessageContaining("Cache size -1");
    assertThatThrownBy(() -> GeoDatabase.builder().maxAge(Duration.ZERO))
        .hasMessageContaining("Maximum age PT0S");
    assertThatThrownBy(() -> GeoDatabase.builder().watch(Duration.ofMillis(5)))
        .hasMessageContaining("Poll interval PT0.005S");
    assertThatThrownBy(() -> GeoDatabase.builder().flatCountryField("a..b"))
        .hasMessageContaining("Flat country field 'a..b'");
    assertThatThrownBy(() -> GeoDatabase.builder().flatCountryField(" "))
        .hasMessageContaining("Flat country field ' '");
    assertThatThrownBy(() -> GeoDatabase.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No GeoIP database");
    assertThatThrownBy(() -> GeoDatabase.builder().database(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("database");
  }

  @Test
  void resultRecordCopiesAndValidates() {
    GeoResult result =
        new GeoResult(
            Status.FOUND,
            Optional.of("DE"),
            Optional.empty(),
            Optional.empty(),
            new java.util.ArrayList<>(List.of("DE-BY")),
            java.util.EnumSet.of(AnonymizerFlag.ANONYMOUS),
            Optional.empty());
    assertThatThrownBy(() -> result.subdivisions().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(
            () ->
                new GeoResult(
                    null,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    Set.of(),
                    Optional.empty()))
        .isInstanceOf(NullPointerException.class);
  }
}
