package dev.geofence.boot.it;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files the tests' application starts with: the project's example policy and a country database
 * written by the project's own MMDB writer (Iran, Brazil and the United States on three
 * documentation networks), and a client that plays the proxy in front of the application.
 */
final class Fixtures {

  static final String IRAN = "203.0.113.7";
  static final String BRAZIL = "192.0.2.7";
  static final String UNITED_STATES = "198.51.100.7";

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Fixtures() {}

  /** Copies the example policy into {@code dir}. */
  static Path policy(Path dir) {
    try {
      return Files.copy(Path.of("../../examples/policy.yaml"), dir.resolve("policy.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a country database of the given type into {@code dir}. */
  static Path database(Path dir, String databaseType) {
    Path database = dir.resolve(databaseType + ".mmdb");
    try {
      MmdbWriter.builder()
          .databaseType(databaseType)
          .build()
          .insert("203.0.113.0/24", GeoIp2Records.country("IR"))
          .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
          .insert("198.51.100.0/24", GeoIp2Records.country("US"))
          .write(database);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return database;
  }

  /** {@code POST /v1/messages} for {@code model}, forwarded for {@code caller}. */
  static HttpResponse<String> post(int port, String caller, String model) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
            .header("X-Forwarded-For", caller)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
