package dev.geofence.mmdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(csv, "csv");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(factory, "factory");
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
        if (fields.length < 3 || fields.length > 4) {
          throw new IllegalArgumentException(
              "expected 3 or 4 fields (start,end,country[,subdivision]) but found "
                  + fields.length);
        }
        Optional<String> subdivision =
            fields.length == 4 && !fields[3].isEmpty() ? Optional.of(fields[3]) : Optional.empty();
        Map<String, Object> record =
            factory.record(GeoIp2Records.countryCode(fields[2]), subdivision);
        writer.insertRange(fields[0], fields[1], record);
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
