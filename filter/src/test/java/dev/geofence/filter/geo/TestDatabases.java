package dev.geofence.filter.geo;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;

/** Builds small .mmdb files with the project's writer. */
final class TestDatabases {

  static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");

  private TestDatabases() {}

  /** Writes a database of the given type with network-to-record pairs, built at {@link #BUILT}. */
  static Path write(Path file, String type, Object... networksAndRecords) {
    return write(file, type, BUILT, networksAndRecords);
  }

  static Path write(Path file, String type, Instant built, Object... networksAndRecords) {
    MmdbWriter writer = MmdbWriter.builder().databaseType(type).buildEpoch(built).build();
    for (int i = 0; i < networksAndRecords.length; i += 2) {
      @SuppressWarnings("unchecked")
      Map<String, ?> record = (Map<String, ?>) networksAndRecords[i + 1];
      writer.insert((String) networksAndRecords[i], record);
    }
    try {
      writer.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A GeoIP2-Country database where 192.0.2.0/24 and 2001:db8::/32 are in {@code country}. */
  static Path country(Path file, String country) {
    return write(
        file,
        "GeoIP2-Country",
        "192.0.2.0/24",
        GeoIp2Records.country(country),
        "2001:db8::/32",
        GeoIp2Records.country(country));
  }

  /** Writes a database next to {@code target} and renames it over, as geoipupdate does. */
  static void replaceByRename(Path target, String country) {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    country(temp, country);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
