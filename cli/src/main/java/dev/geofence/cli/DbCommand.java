package dev.geofence.cli;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import dev.geofence.mmdb.RangeCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence db build RANGES.csv -o FILE.mmdb [--type TYPE]}: a test database. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "Build GeoIP databases for tests and demos from address ranges you write.",
    subcommands = {DbCommand.Build.class})
final class DbCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: expected build.");
  }

  /** The database types the command writes, as MaxMind names them. */
  enum Type {
    COUNTRY("GeoIP2-Country"),
    CITY("GeoIP2-City"),
    ANONYMOUS("GeoIP2-Anonymous-IP");

    final String label;

    Type(String label) {
      this.label = label;
    }

    static Type of(String label) {
      for (Type type : values()) {
        if (type.label.equalsIgnoreCase(label)) {
          return type;
        }
      }
      throw new IllegalArgumentException(
          "'"
              + label
              + "' is not a database type; expected GeoIP2-Country, GeoIP2-City or"
              + " GeoIP2-Anonymous-IP");
    }
  }

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Write a MaxMind DB (.mmdb) file from a CSV of address ranges, so that integration tests can"
            + " use exactly the callers they need; read it back with 'geofence lookup'.",
        "Lines: start,end,country[,subdivision] (GeoIP2-Country, GeoIP2-City: a line with a"
            + " subdivision such as UA-43 gets a City record) or start,end,flag[|flag...]"
            + " (GeoIP2-Anonymous-IP: anonymous_vpn, hosting_provider, public_proxy,"
            + " residential_proxy, tor_exit_node). Blank lines and lines starting with # are"
            + " skipped; ranges may be IPv4 or IPv6.",
        "Exit 0 when the file was written, 1 when the input is bad (the message names the file and"
            + " line) or the file cannot be written, 2 for a usage error."
      },
      footer = {
        "",
        "Example:",
        "  printf '203.0.113.0,203.0.113.255,IR\\n198.51.100.0,198.51.100.255,US\\n' > ranges.csv",
        "  geofence db build ranges.csv -o test.mmdb",
        "  geofence lookup --geoip test.mmdb 203.0.113.7"
      })
  static final class Build implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RANGES.csv", description = "The address ranges.")
    Path ranges;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE.mmdb",
        description = "The database to write (replaced if it exists).")
    Path output;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        defaultValue = "GeoIP2-Country",
        description =
            "GeoIP2-Country (default), GeoIP2-City (subdivisions, e.g. UA-43) or"
                + " GeoIP2-Anonymous-IP (anonymizer flags).")
    String type;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Type kind;
      try {
        kind = Type.of(type);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--type " + e.getMessage());
      }
      MmdbWriter writer =
          MmdbWriter.builder().databaseType(kind.label).buildEpoch(Instant.now()).build();
      int imported;
      try (Reader reader = Files.newBufferedReader(ranges, StandardCharsets.UTF_8)) {
        imported =
            switch (kind) {
              case ANONYMOUS -> RangeCsv.importAnonymousInto(writer, reader, ranges.toString());
              case CITY ->
                  RangeCsv.importInto(
                      writer, reader, ranges.toString(), knownCountries(RangeCsv.geoIp2()));
              case COUNTRY ->
                  RangeCsv.importInto(
                      writer, reader, ranges.toString(), knownCountries(countryOnly()));
            };
      } catch (NoSuchFileException e) {
        err.println("geofence: the range file " + ranges + " does not exist.");
        return Main.FINDING;
      } catch (IOException e) {
        err.println("geofence: cannot read the range file " + ranges + ": " + e.getMessage());
        return Main.FINDING;
      } catch (IllegalArgumentException e) {
        err.println("geofence: " + e.getMessage());
        return Main.FINDING;
      }
      if (imported == 0) {
        err.println(
            "geofence: "
                + ranges
                + " holds no range; expected lines such as 203.0.113.0,203.0.113.255,IR");
        return Main.FINDING;
      }
      try {
        Path parent = output.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(parent, ".geofence-db-", ".mmdb");
        try {
          writer.write(temp);
          Files.move(
              temp,
              output,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(temp);
        }
      } catch (IOException e) {
        err.println("geofence: cannot write " + output + ": " + e.getMessage());
        return Main.FINDING;
      }
      long networks = writer.networkCount();
      out.printf(
          "Wrote %s: %s, %d range%s as %d network%s.%n",
          output,
          kind.label,
          imported,
          imported == 1 ? "" : "s",
          networks,
          networks == 1 ? "" : "s");
      out.flush();
      return 0;
    }

    /**
     * Only codes a policy can name (the JDK's ISO 3166-1 list and {@code XK}, as the policy
     * accepts): a test database with a made-up code would test nothing a real one can hold.
     */
    private static RangeCsv.RecordFactory knownCountries(RangeCsv.RecordFactory records) {
      return (country, subdivision) -> {
        if (!KNOWN_COUNTRIES.contains(country)) {
          throw new IllegalArgumentException(
              "unknown country code '"
                  + country
                  + "'; expected an ISO 3166-1 alpha-2 code such as US (the United Kingdom is"
                  + " GB)");
        }
        return records.record(country, subdivision);
      };
    }

    private static final Set<String> KNOWN_COUNTRIES = knownCountryCodes();

    private static Set<String> knownCountryCodes() {
      Set<String> codes = new HashSet<>(Set.of(Locale.getISOCountries()));
      codes.add("XK");
      return Set.copyOf(codes);
    }

    /** Country records only: a subdivision belongs in a City database. */
    private static RangeCsv.RecordFactory countryOnly() {
      return (country, subdivision) -> {
        if (subdivision.isPresent()) {
          throw new IllegalArgumentException(
              "subdivision '"
                  + subdivision.get()
                  + "' in a GeoIP2-Country database, which has none; use --type GeoIP2-City");
        }
        return GeoIp2Records.country(country);
      };
    }
  }
}
