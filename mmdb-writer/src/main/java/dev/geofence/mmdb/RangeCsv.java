package dev.geofence.mmdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Imports IP ranges from CSV lines {@code start,end,country[,subdivision]} (the shape of DB-IP Lite
 * and similar range files) into a writer, each range as the smallest set of networks that covers it
 * exactly.
 *
 * <pre>{@code
 * 1.0.0.0,1.0.0.255,AU
 * "2001:db8::","2001:db8:ffff:ffff:ffff:ffff:ffff:ffff","UA","UA-43"
 * }</pre>
 *
 * <p>Fields may be double-quoted. Blank lines, lines starting with {@code #}, and a first line
 * whose first field is not an address (a header) are skipped. Errors name the source and line.
 * Stateless and thread-safe; the writer is not.
 */
public final class RangeCsv {

  /** Turns a country (ISO 3166-1 alpha-2) and optional subdivision into a record. */
  @FunctionalInterface
  public interface RecordFactory {
    /**
     * @param country two letters, upper case
     * @param subdivision the fourth field as given, if present and non-empty
     */
    Map<String, Object> record(String country, Optional<String> subdivision);
  }

  private RangeCsv() {}

  /** GeoIP2 Country records, or City records for lines with a subdivision. */
  public static RecordFactory geoIp2() {
    return (country, subdivision) ->
        subdivision
            .map(s -> GeoIp2Records.city(country, s))
            .orElseGet(() -> GeoIp2Records.country(country));
  }

  /** Flat records with the country code at a dotted field path; subdivisions are ignored. */
  public static RecordFactory flat(String fieldPath) {
    Objects.requireNonNull(fieldPath, "fieldPath");
    GeoIp2Records.flat(fieldPath, "US"); // validates the path now rather than on the first line
    return (country, subdivision) -> GeoIp2Records.flat(fieldPath, country);
  }

  /**
   * Imports a UTF-8 CSV file.
   *
   * @return the number of ranges imported
   * @throws IllegalArgumentException for a malformed line, naming the file and line number
   */
  public static int importInto(MmdbWriter writer, Path csv, RecordFactory factory)
      throws IOException {
    Objects.requireNonNull(csv, "csv");
    try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return importInto(writer, reader, csv.toString(), factory);
    }
  }

  /**
   * Imports CSV text from a reader (not closed); {@code sourceName} appears in error messages.
   *
   * @return the number of ranges imported
   * @throws IllegalArgumentException for a malformed line, naming the source and line number
   */
  public static int importInto(
      MmdbWriter writer, Reader csv, String sourceName, RecordFactory factory) throws IOException {
    Objects.requireNonNull(factory, "factory");
    return importLines(
        writer,
        csv,
        sourceName,
        fields -> {
          if (fields.length < 3 || fields.length > 4) {
            throw new IllegalArgumentException(
                "expected 3 or 4 fields (start,end,country[,subdivision]) but found "
                    + fields.length);
          }
          Optional<String> subdivision =
              fields.length == 4 && !fields[3].isEmpty()
                  ? Optional.of(fields[3])
                  : Optional.empty();
          return factory.record(GeoIp2Records.countryCode(fields[2]), subdivision);
        });
  }

  /**
   * Imports GeoIP2 Anonymous IP ranges from CSV lines {@code start,end,flag[|flag...]}, the flags
   * by their field names without {@code is_}: {@code anonymous_vpn}, {@code hosting_provider},
   * {@code public_proxy}, {@code residential_proxy}, {@code tor_exit_node}. Every record also gets
   * {@code is_anonymous}, as MaxMind's databases have it.
   *
   * @return the number of ranges imported
   * @throws IllegalArgumentException for a malformed line or an unknown flag, naming the source and
   *     line number
   */
  public static int importAnonymousInto(MmdbWriter writer, Reader csv, String sourceName)
      throws IOException {
    return importLines(
        writer,
        csv,
        sourceName,
        fields -> {
          if (fields.length != 3) {
            throw new IllegalArgumentException(
                "expected 3 fields (start,end,flag[|flag...]) but found " + fields.length);
          }
          Set<GeoIp2Records.AnonymousFlag> flags =
              EnumSet.noneOf(GeoIp2Records.AnonymousFlag.class);
          for (String name : fields[2].split("\\|", -1)) {
            flags.add(anonymousFlag(name.strip()));
          }
          return GeoIp2Records.anonymousIp(flags.toArray(new GeoIp2Records.AnonymousFlag[0]));
        });
  }

  private static GeoIp2Records.AnonymousFlag anonymousFlag(String name) {
    for (GeoIp2Records.AnonymousFlag flag : GeoIp2Records.AnonymousFlag.values()) {
      if (flag.key().equals("is_" + name)) {
        return flag;
      }
    }
    List<String> known = new ArrayList<>();
    for (GeoIp2Records.AnonymousFlag flag : GeoIp2Records.AnonymousFlag.values()) {
      known.add(flag.key().substring(3));
    }
    throw new IllegalArgumentException(
        "Anonymizer flag '" + name + "' is not known; expected " + String.join(", ", known));
  }

  /** The lines of a range file, each turned into a record by {@code record}. */
  private static int importLines(
      MmdbWriter writer,
      Reader csv,
      String sourceName,
      Function<String[], Map<String, Object>> record)
      throws IOException {
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(csv, "csv");
    Objects.requireNonNull(sourceName, "sourceName");
    BufferedReader lines = csv instanceof BufferedReader b ? b : new BufferedReader(csv);
    int imported = 0;
    int lineNumber = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split(",", -1);
      for (int i = 0; i < fields.length; i++) {
        fields[i] = unquote(fields[i].strip());
      }
      if (lineNumber == 1 && IpNetwork.InetAddresses.parse(fields[0]) == null) {
        continue; // header
      }
      try {
        writer.insertRange(fields[0], fields[1], record.apply(fields));
        imported++;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            sourceName + ":" + lineNumber + ": " + e.getMessage(), e);
      }
    }
    return imported;
  }

  private static String unquote(String field) {
    return field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")
        ? field.substring(1, field.length() - 1)
        : field;
  }
}
