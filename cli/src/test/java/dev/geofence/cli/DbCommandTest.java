package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.geo.GeoDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code geofence db build}: a database a test needs, read back by {@code lookup}. */
class DbCommandTest {

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  private Path csv(String... lines) throws IOException {
    return Files.write(dir.resolve("ranges.csv"), List.of(lines));
  }

  @Test
  void aCountryDatabaseIsReadBackByLookupAsTheFilterReadsIt() throws IOException {
    Path ranges =
        csv(
            "# callers for the integration test",
            "203.0.113.0,203.0.113.255,IR",
            "198.51.100.0,198.51.100.255,US",
            "2001:db8::,2001:db8::ffff,DE");
    Path db = dir.resolve("test.mmdb");

    assertThat(run("db", "build", ranges.toString(), "-o", db.toString())).isZero();
    // 203.0.113.0/24, 198.51.100.0/24 and 2001:db8::/112 are one network each.
    assertThat(out.toString())
        .isEqualTo("Wrote " + db + ": GeoIP2-Country, 3 ranges as 3 networks.\n");

    assertThat(
            run("lookup", "--geoip", db.toString(), "203.0.113.7", "198.51.100.1", "2001:db8::1"))
        .isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "203.0.113.7\tIR\tIR\t-\t-", "198.51.100.1\tUS\tUS\t-\t-", "2001:db8::1\tDE\tDE\t-\t-");
    try (GeoDatabase read = GeoDatabase.builder().database(db).noMaxAge().build()) {
      assertThat(read.info())
          .hasValueSatisfying(i -> assertThat(i.databaseType()).isEqualTo("GeoIP2-Country"));
    }
  }

  @Test
  void aCityDatabaseCarriesSubdivisions() throws IOException {
    Path ranges = csv("192.0.2.0,192.0.2.255,UA,UA-43", "198.51.100.0,198.51.100.255,US");
    Path db = dir.resolve("city.mmdb");

    assertThat(run("db", "build", ranges.toString(), "-o", db.toString(), "--type", "GeoIP2-City"))
        .isZero();
    assertThat(run("lookup", "--geoip", db.toString(), "192.0.2.9")).isZero();
    assertThat(out.toString()).isEqualTo("192.0.2.9\tUA\tUA\tUA-43\t-\n");
  }

  @Test
  void anAnonymousIpDatabaseCarriesTheFlags() throws IOException {
    Path country = dir.resolve("country.mmdb");
    run("db", "build", csv("192.0.2.0,192.0.2.255,DE").toString(), "-o", country.toString());
    Path ranges = csv("192.0.2.128,192.0.2.255,tor_exit_node|hosting_provider");
    Path anonymous = dir.resolve("anonymous.mmdb");

    assertThat(
            run(
                "db",
                "build",
                ranges.toString(),
                "-o",
                anonymous.toString(),
                "--type",
                "GeoIP2-Anonymous-IP"))
        .isZero();
    assertThat(
            run(
                "lookup",
                "--geoip",
                country.toString(),
                "--anonymous-db",
                anonymous.toString(),
                "192.0.2.200"))
        .isZero();
    assertThat(out.toString())
        .isEqualTo("192.0.2.200\tDE\tDE\t-\tanonymous,hosting_provider,tor_exit_node\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a country that is not two letters     | 203.0.113.0,203.0.113.255,Iran     | ranges.csv:1: Country code 'Iran'
          an address that is not one            | 203.0.113.0,example.com,IR         | ranges.csv:1:
          too few fields                        | 203.0.113.0,203.0.113.255          | ranges.csv:1: expected 3 or 4 fields
          a subdivision in a Country database   | 192.0.2.0,192.0.2.255,UA,UA-43     | use --type GeoIP2-City
          a code no country has                 | 192.0.2.0,192.0.2.255,XX           | ranges.csv:1: unknown country code 'XX'
          the United Kingdom as UK              | 192.0.2.0,192.0.2.255,UK           | the United Kingdom is GB
          """)
  void badLinesAreOneSentenceWithTheFileAndLineAndWriteNothing(
      String description, String line, String message) throws IOException {
    Path ranges = csv(line);
    Path db = dir.resolve("bad.mmdb");

    assertThat(run("db", "build", ranges.toString(), "-o", db.toString())).isEqualTo(Main.FINDING);
    assertThat(err.toString())
        .contains(message)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(db).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ranges.csv");
    }
  }

  @Test
  void anUnknownAnonymizerFlagIsNamed() throws IOException {
    Path ranges = csv("192.0.2.0,192.0.2.255,vpn");

    assertThat(
            run(
                "db",
                "build",
                ranges.toString(),
                "-o",
                dir.resolve("a.mmdb").toString(),
                "--type",
                "GeoIP2-Anonymous-IP"))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString())
        .contains("ranges.csv:1: Anonymizer flag 'vpn' is not known; expected anonymous_vpn,");
  }

  @Test
  void aMissingFileAnEmptyFileAndAnUnknownTypeAreRefused() throws IOException {
    assertThat(run("db", "build", dir.resolve("nope.csv").toString(), "-o", "x.mmdb"))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("nope.csv does not exist");

    assertThat(run("db", "build", csv("# nothing").toString(), "-o", "x.mmdb"))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("holds no range");

    assertThat(
            run(
                "db",
                "build",
                csv("1.0.0.0,1.0.0.255,AU").toString(),
                "-o",
                "x.mmdb",
                "--type",
                "csv"))
        .isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("'csv' is not a database type");
    assertThat(run("db")).isEqualTo(Main.USAGE);
  }
}
