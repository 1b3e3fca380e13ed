package dev.geofence.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JDK HttpClient for the filter tests, and readers of the echo and refusal bodies. */
final class Http {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /**
   * POSTs a JSON body as {@code caller} (named in X-Forwarded-For); extra headers as name, value
   * pairs.
   */
  static HttpResponse<String> post(
      URI base, String path, String caller, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return send(request, caller, headers);
  }

  static HttpResponse<String> send(HttpRequest.Builder request, String caller, String... headers) {
    if (caller != null) {
      request.header("X-Forwarded-For", caller);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(
          request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The echo servlet's answer: each {@code name: value} line, and {@code body} for the rest. */
  static Map<String, String> echo(HttpResponse<String> response) {
    Map<String, String> fields = new LinkedHashMap<>();
    String text = response.body();
    int at = 0;
    while (at < text.length() && !text.startsWith("body: ", at)) {
      int end = text.indexOf('\n', at);
      String line = text.substring(at, end);
      int colon = line.indexOf(": ");
      fields.put(line.substring(0, colon), line.substring(colon + 2));
      at = end + 1;
    }
    fields.put("body", at < text.length() ? text.substring(at + 6) : "");
    return fields;
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("Not JSON: " + response.body(), e);
    }
  }
}
