package dev.geofence.filter.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as a database file, both as the country database and as the anonymous-IP database: the
 * opener either refuses the file with a {@link GeoDatabaseException} or opens it, and then every
 * look-up answers with a result (found, not found or unavailable) and never throws, however the
 * search tree, the data section or the metadata are damaged. The committed inputs are databases
 * written by the project's writer and a few damaged ones.
 */
class DatabaseFuzzTest {

  private static final InetAddress[] ADDRESSES = addresses();

  private static Path dir;
  private static Path mutated;
  private static Path country;

  @BeforeAll
  static void files() throws IOException {
    dir = Files.createTempDirectory("mmdb-fuzz");
    mutated = dir.resolve("mutated.mmdb");
    country = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
  }

  @AfterAll
  static void delete() throws IOException {
    Files.deleteIfExists(mutated);
    Files.deleteIfExists(country);
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void anyBytesAreRefusedOrAnswerEveryLookup(byte[] bytes) throws IOException {
    Files.write(mutated, bytes);

    lookUpEverything(GeoDatabase.builder().database(mutated).noMaxAge().cacheSize(0));
    lookUpEverything(
        GeoDatabase.builder().database(country).anonymousDatabase(mutated).noMaxAge().cacheSize(0));
  }

  private static void lookUpEverything(GeoDatabase.Builder builder) {
    GeoDatabase geo;
    try {
      geo = builder.build();
    } catch (GeoDatabaseException refused) {
      assertThat(refused.getMessage()).contains(refused.path().toString());
      return;
    }
    try (geo) {
      for (InetAddress address : ADDRESSES) {
        GeoResult result = geo.lookup(address);
        assertThat(result.status()).isNotNull();
        assertThat(result.country().orElse("ZZ")).matches("[A-Z]{2}");
        assertThat(EnumSet.allOf(AnonymizerFlag.class)).containsAll(result.anonymizer());
        if (result.found()) {
          assertThat(result.network()).isPresent();
        }
      }
    }
  }

  private static InetAddress[] addresses() {
    String[] literals = {
      "192.0.2.1",
      "0.0.0.0",
      "255.255.255.255",
      "10.1.2.3",
      "198.51.100.200",
      "2001:db8::1",
      "::",
      "::ffff:192.0.2.1",
      "2002:c000:201::",
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    };
    InetAddress[] addresses = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      try {
        addresses[i] = InetAddress.getByName(literals[i]); // literals only: no name is resolved
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return addresses;
  }
}
