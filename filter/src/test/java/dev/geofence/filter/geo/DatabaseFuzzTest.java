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
 * search tree, the data section or the metadata are damaged. Its starting databases are written by
 * the project's writer at test time ({@link DatabaseSeedsTest}), never committed as binary files.
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
    openAndLookUpEverything(bytes, mutated, country);
  }

  /**
   * The target's property for one file, written to {@code file}, as the country database and as the
   * anonymous-IP database beside {@code country}; true if it opened as the country database, false
   * if it was refused.
   */
  static boolean openAndLookUpEverything(byte[] bytes, Path file, Path country) throws IOException {
    Files.write(file, bytes);
    boolean opened = lookUpEverything(GeoDatabase.builder().database(file).noMaxAge().cacheSize(0));
    lookUpEverything(
        GeoDatabase.builder().database(country).anonymousDatabase(file).noMaxAge().cacheSize(0));
    return opened;
  }

  private static boolean lookUpEverything(GeoDatabase.Builder builder) {
    GeoDatabase geo;
    try {
      geo = builder.build();
    } catch (GeoDatabaseException refused) {
      assertThat(refused.getMessage()).contains(refused.path().toString());
      return false;
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
    return true;
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
