package dev.geofence.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes what {@code bench/load.sh} drives the demo server with, into one directory, each file only
 * if missing: the synthetic country database ({@code country-N.mmdb}), distinct caller addresses
 * inside it, one per line ({@code callers-N.txt}), and a {@code POST /v1/messages} body ({@code
 * body-SIZE.json}).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.geofence.benchmarks.LoadFixtures DIR [NETWORKS
 * [CALLERS [BODY_SIZE]]]}, defaults 500000, 1000000 and 1KB. Deterministic: the same arguments give
 * the same files.
 */
public final class LoadFixtures {

  private LoadFixtures() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 4) {
      throw new IllegalArgumentException(
          "Usage: LoadFixtures DIR [NETWORKS [CALLERS [BODY_SIZE]]]; got "
              + args.length
              + " arguments.");
    }
    Path directory = Path.of(args[0]);
    int networks = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    int callers = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    String bodySize = args.length > 3 ? args[3] : "1KB";
    write(directory, networks, callers, bodySize);
  }

  static void write(Path directory, int networks, int callers, String bodySize) throws IOException {
    Files.createDirectories(directory);
    Path database = directory.resolve("country-" + networks + ".mmdb");
    if (!Files.isRegularFile(database)) {
      Files.copy(
          SyntheticCountryDatabase.ensure(directory, networks),
          database,
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path callerFile = directory.resolve("callers-" + callers + ".txt");
    if (!Files.isRegularFile(callerFile)) {
      writeCallers(SyntheticCountryDatabase.layout(networks), callers, callerFile);
    }
    Path body = directory.resolve("body-" + bodySize + ".json");
    if (!Files.isRegularFile(body)) {
      Files.write(
          body, RequestBodies.messages(RequestBodies.bytes(bodySize), true, PolicyBenchmark.OPUS));
    }
  }

  private static void writeCallers(SyntheticCountryDatabase.Layout layout, int count, Path file)
      throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
      for (InetAddress address : SyntheticCountryDatabase.sampleAddresses(layout, count)) {
        writer.write(address.getHostAddress());
        writer.newLine();
      }
    }
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
