package dev.geofence.filter.internal.model;

import dev.geofence.filter.internal.body.CapturedBody;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parts of a request that model sources read, decoupled from the servlet API. Immutable if the
 * header function is.
 *
 * @param normalizedPath the canonical path from {@link PathNormalizer}
 * @param headers all values of a header, by case-insensitive name; empty list when absent
 * @param rawQuery the query string as sent (still encoded), if any
 * @param body the captured body, required when the route {@link Route#readsBody() reads it}
 */
public record ModelRequest(
    String normalizedPath,
    Function<String, List<String>> headers,
    Optional<String> rawQuery,
    Optional<CapturedBody> body) {

  public ModelRequest {
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(rawQuery, "rawQuery");
    Objects.requireNonNull(body, "body");
  }

  /**
   * The model-relevant view of a servlet request. Reads headers and the raw query string only:
   * never {@code getParameter}, which could consume a form body before it is captured.
   */
  public static ModelRequest of(
      HttpServletRequest request, String normalizedPath, Optional<CapturedBody> body) {
    Objects.requireNonNull(request, "request");
    Function<String, List<String>> headers =
        name -> {
          var values = request.getHeaders(name);
          return values == null ? List.of() : Collections.list(values);
        };
    return new ModelRequest(
        normalizedPath, headers, Optional.ofNullable(request.getQueryString()), body);
  }
}
