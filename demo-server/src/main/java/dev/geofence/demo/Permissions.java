package dev.geofence.demo;

import dev.geofence.filter.Screening;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Predicate;

/** Which models the caller of a request may use, from the geofence decision on the request. */
final class Permissions {

  private Permissions() {}

  /**
   * The models the decision allows as they are (a model that would be substituted is not offered);
   * every model when the request carries no decision (the server runs without the filter).
   */
  static Predicate<String> of(HttpServletRequest request) {
    return Screening.of(request).<Predicate<String>>map(s -> s::allows).orElse(model -> true);
  }
}
