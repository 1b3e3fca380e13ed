package dev.geofence.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** How every command reads a point in time: a UTC date (its start) or an ISO-8601 instant. */
final class DateOrInstant {
  private DateOrInstant() {}

  /**
   * {@code 2027-01-15} is the start of that day in UTC; {@code 2027-01-15T12:00:00Z} is that
   * instant.
   *
   * @throws DateTimeParseException when the text is neither
   */
  static Instant parse(String text) {
    return text.indexOf('T') >= 0
        ? Instant.parse(text)
        : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
