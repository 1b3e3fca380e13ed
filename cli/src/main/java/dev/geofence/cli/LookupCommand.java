package dev.geofence.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.geo.AnonymizerFlag;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence lookup --geoip DB [--anonymous-db DB] [--json] IP...}. */
@Command(
    name = "lookup",
    mixinStandardHelpOptions = true,
    description = {
      "Look up addresses in a GeoIP database the way the filter does.",
      "Prints one tab-separated line per address: ip, country, registered country, subdivisions, "
          + "anonymizer flags ('-' for empty); or one JSON object per line with --json.",
      "An argument '-' reads addresses from standard input, one per line.",
      "Exit 0 when every input was an IP address, 1 when any was not (its line gets '-' fields "
          + "and a message goes to standard error) or the database could not be opened, 2 for a usage error."
    })
final class LookupCommand implements Callable<Integer> {

  private static final String EMPTY = "-";

  @Spec CommandSpec spec;

  @Option(
      names = "--geoip",
      required = true,
      paramLabel = "DB",
      description =
          "Country database (.mmdb): GeoIP2/GeoLite2 Country, City or Enterprise, DB-IP, IPinfo Lite or another flat one.")
  Path database;

  @Option(
      names = "--anonymous-db",
      paramLabel = "DB",
      description = "GeoIP2 Anonymous IP database for the flags column.")
  Path anonymousDatabase;

  @Option(names = "--json", description = "Print one JSON object per line instead of TSV.")
  boolean json;

  @Option(
      names = "--schema",
      paramLabel = "SCHEMA",
      defaultValue = "AUTO",
      description =
          "How to read the country database: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  DatabaseInfo.Schema schema;

  @Option(
      names = "--flat-field",
      paramLabel = "PATH",
      defaultValue = "country_code",
      description =
          "Field holding the country code in a flat database, e.g. country.iso_code (default ${DEFAULT-VALUE}).")
  String flatField;

  @Parameters(
      arity = "1..*",
      paramLabel = "IP",
      description = "Addresses to look up; '-' reads them from standard input.")
  List<String> addresses;

  private int bad;

  @Override
  public Integer call() throws IOException {
    // Each address is looked up once, so a cache would only cost; a database past the default
    // maximum age is reported (logged) but still answers.
    GeoDatabase.Builder builder =
        GeoDatabase.builder()
            .database(database)
            .schema(schema)
            .flatCountryField(flatField)
            .cacheSize(0);
    if (anonymousDatabase != null) {
      builder.anonymousDatabase(anonymousDatabase);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (GeoDatabase geo = builder.build()) {
      Printer printer = json ? new JsonPrinter(out) : new TsvPrinter(out);
      for (String argument : addresses) {
        if (argument.equals("-")) {
          lookupStandardInput(geo, printer, err);
        } else {
          lookupOne(geo, argument, printer, err);
        }
      }
      printer.finish();
    }
    out.flush();
    return bad == 0 ? 0 : Main.FINDING;
  }

  private void lookupStandardInput(GeoDatabase geo, Printer printer, PrintWriter err)
      throws IOException {
    // Interactive use gets each answer as soon as the line is typed; a pipe gets full buffers.
    boolean interactive = System.console() != null;
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    String line;
    while ((line = in.readLine()) != null) {
      String address = line.strip();
      if (address.isEmpty()) {
        continue;
      }
      lookupOne(geo, address, printer, err);
      if (interactive) {
        printer.flush();
      }
    }
  }

  private void lookupOne(GeoDatabase geo, String input, Printer printer, PrintWriter err) {
    Optional<InetAddress> address = IpAddresses.tryParse(input);
    if (address.isEmpty()) {
      bad++;
      printer.flush(); // keep stdout and stderr in order on a terminal
      err.println(
          "geofence: '"
              + input.replace('\r', ' ').replace('\n', ' ')
              + "' is not an IP address; expected e.g. 192.0.2.1 or 2001:db8::1.");
      err.flush();
      printer.invalid(input);
      return;
    }
    printer.result(input, geo.lookup(address.get()));
  }

  private static String flagNames(GeoResult result) {
    StringBuilder names = new StringBuilder();
    for (AnonymizerFlag flag : AnonymizerFlag.values()) {
      if (result.is(flag)) {
        names.append(names.length() == 0 ? "" : ",").append(flag.label());
      }
    }
    return names.toString();
  }

  /** Writes results in one format. */
  private interface Printer {
    void result(String input, GeoResult result);

    void invalid(String input);

    void flush();

    void finish() throws IOException;
  }

  /** {@code ip<TAB>country<TAB>registered<TAB>subdivisions<TAB>flags}, '-' for empty. */
  private static final class TsvPrinter implements Printer {
    private final PrintWriter out;

    TsvPrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void result(String input, GeoResult result) {
      // print, not println: the writer flushes on println, and per-line flushes cost more
      // than the lookups when 100,000 addresses go to a pipe.
      out.print(
          input
              + '\t'
              + result.country().orElse(EMPTY)
              + '\t'
              + result.registeredCountry().orElse(EMPTY)
              + '\t'
              + orEmpty(String.join(",", result.subdivisions()))
              + '\t'
              + orEmpty(flagNames(result))
              + '\n');
    }

    @Override
    public void invalid(String input) {
      out.print(input + "\t-\t-\t-\t-\n");
    }

    private static String orEmpty(String value) {
      return value.isEmpty() ? EMPTY : value;
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void finish() {
      out.flush();
    }
  }

  /** One JSON object per line (JSON Lines), streamed. */
  private static final class JsonPrinter implements Printer {
    private final PrintWriter out;
    private final JsonGenerator json;

    JsonPrinter(PrintWriter out) throws IOException {
      this.out = out;
      // No automatic separator between root values: each object ends its own line.
      this.json = new JsonFactory().setRootValueSeparator(null).createGenerator((Writer) out);
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, false);
    }

    @Override
    public void result(String input, GeoResult result) {
      try {
        json.writeStartObject();
        json.writeStringField("ip", input);
        json.writeStringField("status", result.status().name().toLowerCase(Locale.ROOT));
        writeOptional("country", result.country());
        writeOptional("registered_country", result.registeredCountry());
        writeOptional("represented_country", result.representedCountry());
        json.writeArrayFieldStart("subdivisions");
        for (String subdivision : result.subdivisions()) {
          json.writeString(subdivision);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("anonymizer");
        for (AnonymizerFlag flag : AnonymizerFlag.values()) {
          if (result.is(flag)) {
            json.writeString(flag.label());
          }
        }
        json.writeEndArray();
        writeOptional("network", result.network());
        json.writeEndObject();
        endLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void invalid(String input) {
      try {
        json.writeStartObject();
        json.writeStringField("ip", input);
        json.writeStringField("error", "not an IP address");
        json.writeEndObject();
        endLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void writeOptional(String name, Optional<String> value) throws IOException {
      if (value.isPresent()) {
        json.writeStringField(name, value.get());
      } else {
        json.writeNullField(name);
      }
    }

    private void endLine() throws IOException {
      json.writeRaw('\n');
    }

    @Override
    public void flush() {
      try {
        json.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.flush();
    }

    @Override
    public void finish() throws IOException {
      json.close();
      out.flush();
    }
  }
}
