package dev.geofence.filter.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.GeoIp2Records.AnonymousFlag;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database fuzz target's starting points, written by the project's writer at test time rather
 * than committed as binary files, and each checked against the target's own property: a whole
 * database of every kind the filter reads, one cut short, and one whose data section points back at
 * itself (the fuzzer's finding: a pointer cycle threw StackOverflowError out of the reader).
 */
class DatabaseSeedsTest {

  @TempDir Path dir;

  private boolean opensAndAnswersEveryLookup(byte[] bytes) throws IOException {
    return DatabaseFuzzTest.openAndLookUpEverything(
        bytes, dir.resolve("seed.mmdb"), TestDatabases.country(dir.resolve("beside.mmdb"), "DE"));
  }

  @Test
  void everyCountryDatabaseKindTheWriterMakesOpensAndAnswersEveryLookup() throws IOException {
    List<Path> seeds =
        List.of(
            TestDatabases.country(dir.resolve("country.mmdb"), "DE"),
            TestDatabases.write(
                dir.resolve("enterprise.mmdb"),
                "GeoIP2-Enterprise",
                "192.0.2.0/24",
                GeoIp2Records.enterprise(
                    "UA", List.of("UA-43"), Set.of(AnonymousFlag.TOR_EXIT_NODE))),
            TestDatabases.write(
                dir.resolve("flat.mmdb"),
                "DBIP-Country-Lite",
                "192.0.2.0/24",
                GeoIp2Records.flat("BR")));
    for (Path seed : seeds) {
      assertThat(opensAndAnswersEveryLookup(Files.readAllBytes(seed)))
          .as(seed.getFileName().toString())
          .isTrue();
    }
  }

  @Test
  void anAnonymousIpDatabaseIsRefusedAsTheCountryDatabaseAndServesAsTheAnonymousOne()
      throws IOException {
    Path anonymous =
        TestDatabases.write(
            dir.resolve("anonymous-ip.mmdb"),
            "GeoIP2-Anonymous-IP",
            "192.0.2.0/24",
            GeoIp2Records.anonymousIp(AnonymousFlag.ANONYMOUS_VPN));

    assertThat(opensAndAnswersEveryLookup(Files.readAllBytes(anonymous))).isFalse();
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(TestDatabases.country(dir.resolve("country.mmdb"), "DE"))
            .anonymousDatabase(anonymous)
            .noMaxAge()
            .build()) {
      assertThat(geo.lookup(InetAddress.getByName("192.0.2.1")).anonymizer())
          .contains(AnonymizerFlag.ANONYMOUS_VPN);
    }
  }

  @Test
  void aDatabaseCutShortIsRefusedOrAnswersEveryLookup() throws IOException {
    byte[] whole = Files.readAllBytes(TestDatabases.country(dir.resolve("whole.mmdb"), "DE"));

    opensAndAnswersEveryLookup(Arrays.copyOf(whole, whole.length / 2));
  }

  @Test
  void aDataSectionPointingAtItselfIsRefusedAsCorrupt() throws IOException {
    Path country = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    byte[] bytes = Files.readAllBytes(country);
    // The first record becomes a pointer (type 1, size 0) to data offset 0: to itself.
    int dataStart = dataStart(country);
    bytes[dataStart] = 0x20;
    bytes[dataStart + 1] = 0x00;
    Path cycle = Files.write(dir.resolve("pointer-cycle.mmdb"), bytes);

    assertThatThrownBy(() -> GeoDatabase.builder().database(cycle).noMaxAge().build())
        .isInstanceOf(GeoDatabaseException.class)
        .hasMessageContaining("pointer cycle");
    assertThat(opensAndAnswersEveryLookup(bytes)).isFalse();
  }

  @Test
  void aPointerCyclePastWhatTheOpenerProbesAnswersUnavailableForItsNetworkOnly()
      throws IOException {
    // 100 networks, 10.0.0.0/16 to 10.99.0.0/16, each of another country: the opener probes the
    // first 64, and the 81st's country code becomes a pointer to itself.
    List<String> codes = Arrays.stream(Locale.getISOCountries()).sorted().limit(100).toList();
    Object[] networksAndRecords = new Object[codes.size() * 2];
    for (int i = 0; i < codes.size(); i++) {
      networksAndRecords[2 * i] = "10." + i + ".0.0/16";
      networksAndRecords[2 * i + 1] = GeoIp2Records.country(codes.get(i));
    }
    Path file = TestDatabases.write(dir.resolve("many.mmdb"), "GeoIP2-Country", networksAndRecords);
    byte[] bytes = Files.readAllBytes(file);
    int dataStart = dataStart(file);
    String code = codes.get(80);
    byte[] literal = {0x42, (byte) code.charAt(0), (byte) code.charAt(1)}; // a 2-byte UTF-8 string
    int at = indexOf(bytes, literal, dataStart);
    assertThat(at).as("%s in the data section", code).isPositive();
    // A pointer (type 1, size 0) to its own offset; the string's last byte is never read.
    int offset = at - dataStart;
    assertThat(offset).isLessThan(2048);
    bytes[at] = (byte) (0x20 | offset >> 8);
    bytes[at + 1] = (byte) offset;
    Path cycle = Files.write(dir.resolve("cycle-past-the-probe.mmdb"), bytes);

    try (GeoDatabase geo = GeoDatabase.builder().database(cycle).noMaxAge().cacheSize(0).build()) {
      assertThat(geo.lookup(InetAddress.getByName("10.80.0.1")).status())
          .isEqualTo(GeoResult.Status.UNAVAILABLE);
      assertThat(geo.lookup(InetAddress.getByName("10.1.0.1")).country()).contains(codes.get(1));
    }
  }

  /** Where the data section starts: after the search tree and 16 zero bytes. */
  private static int dataStart(Path database) throws IOException {
    try (Reader reader = new Reader(database.toFile())) {
      Metadata metadata = reader.getMetadata();
      return Math.toIntExact(metadata.nodeCount() * metadata.recordSize() / 4 + 16);
    }
  }

  private static int indexOf(byte[] bytes, byte[] part, int from) {
    for (int i = from; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }
}
