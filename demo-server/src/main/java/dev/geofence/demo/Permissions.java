package dev.geofence.demo;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Predicate;

/** Which models the caller of a request may use, from the geofence decision on the request. */
final class Permissions {

  private Permissions() {}

  /** Every model when the request carries no decision (the server runs without the filter). */
  static Predicate<String> of(HttpServletRequest request) {
    return model -> true;
  }
}
