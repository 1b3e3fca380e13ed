package dev.geofence.filter.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one grammar of every duration the project reads from text: init-params, the demo's options
 * and {@code Durability.parse}. Stateless.
 */
public final class Durations {

  private Durations() {}

  /**
   * A duration: {@code 0}, a number with a unit ({@code 500ms}, {@code 10s}, {@code 5m}, {@code
   * 1h}, {@code 14d}) or ISO-8601 ({@code PT30S}, {@code P14D}).
   *
   * @throws IllegalArgumentException saying what is accepted, if {@code text} is none of these
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("0")) {
        return Duration.ZERO;
      }
      if (t.startsWith("p")) {
        if (t.contains("t")) {
          return Duration.parse(t);
        }
        java.time.Period period = java.time.Period.parse(t);
        if (period.getYears() == 0 && period.getMonths() == 0) {
          return Duration.ofDays(period.getDays());
        }
      }
      int unit = 0;
      while (unit < t.length() && Character.isDigit(t.charAt(unit))) {
        unit++;
      }
      if (unit > 0 && unit < t.length()) {
        long n = Long.parseLong(t.substring(0, unit));
        switch (t.substring(unit)) {
          case "ms":
            return Duration.ofMillis(n);
          case "s":
            return Duration.ofSeconds(n);
          case "m":
            return Duration.ofMinutes(n);
          case "h":
            return Duration.ofHours(n);
          case "d":
            return Duration.ofDays(n);
          default:
            break;
        }
      }
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a duration; expected 0, a number with ms, s, m, h or d"
            + " (such as 30s or 14d), or ISO-8601 such as PT30S.");
  }
}
