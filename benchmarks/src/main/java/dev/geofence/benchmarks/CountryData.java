package dev.geofence.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The synthetic country database a benchmark runs on, and caller addresses inside it. The file is
 * generated once into {@code target/geofence-bench} (or the directory in the system property
 * {@value #DIRECTORY_PROPERTY}) and reused.
 */
final class CountryData {

  /** Where generated databases are kept. */
  static final String DIRECTORY_PROPERTY = "geofence.bench.dir";

  final Path database;
  final SyntheticCountryDatabase.Layout layout;

  private CountryData(Path database, SyntheticCountryDatabase.Layout layout) {
    this.database = database;
    this.layout = layout;
  }

  static CountryData of(int networks) throws IOException {
    Path directory = Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/geofence-bench"));
    return new CountryData(
        SyntheticCountryDatabase.ensure(directory, networks),
        SyntheticCountryDatabase.layout(networks));
  }

  /**
   * Distinct addresses spread over the database, a power of two of them so that benchmarks can
   * cycle with a mask: up to {@code max}, at most 16 per network.
   */
  InetAddress[] addresses(int max) {
    int count = Integer.highestOneBit(Math.min(max, layout.networks * 16));
    return SyntheticCountryDatabase.sampleAddresses(layout, count);
  }
}
