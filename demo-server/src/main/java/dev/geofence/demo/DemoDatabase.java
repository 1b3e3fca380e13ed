package dev.geofence.demo;

import dev.geofence.mmdb.MmdbWriter;
import dev.geofence.mmdb.RangeCsv;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * The embedded demo GeoIP database: a GeoIP2-Country-schema MaxMind DB built at start-up by the
 * project's own writer from {@code demo-ranges.csv} (real ranges, CC BY 4.0 NRO data), so no
 * downloaded database file is ever committed. Stateless and thread-safe.
 */
final class DemoDatabase {

  /** The metadata {@code database_type}, so the reader treats it as a GeoIP2 Country database. */
  static final String DATABASE_TYPE = "GeoIP2-Country";

  static final String CSV_RESOURCE = "demo-ranges.csv";

  private DemoDatabase() {}

  /**
   * Writes the demo database into a new temporary file, deleted when the JVM exits.
   *
   * @param buildTime the metadata build time; the start-up time, so the database is never stale
   * @return the file
   * @throws UncheckedIOException if the resource cannot be read or the file cannot be written
   */
  static Path writeTemporary(Instant buildTime) {
    Objects.requireNonNull(buildTime, "buildTime");
    try {
      Path file = Files.createTempFile("geofence-demo-", ".mmdb");
      file.toFile().deleteOnExit();
      writeTo(file, buildTime);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write the demo GeoIP database: " + e.getMessage(), e);
    }
  }

  /** Writes the demo database to the file, replacing it. */
  static void writeTo(Path file, Instant buildTime) throws IOException {
    MmdbWriter writer =
        MmdbWriter.builder()
            .databaseType(DATABASE_TYPE)
            .buildEpoch(buildTime)
            .languages(java.util.List.of("en"))
            .description(
                "en",
                "geofence demo database from NRO delegation data (CC BY 4.0), via ip-location-db")
            .build();
    try (InputStream in = DemoDatabase.class.getResourceAsStream(CSV_RESOURCE)) {
      if (in == null) {
        throw new IOException("the resource " + CSV_RESOURCE + " is missing from the demo jar");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        RangeCsv.importInto(writer, reader, CSV_RESOURCE, RangeCsv.geoIp2());
      }
    }
    writer.write(file);
  }
}
