package dev.geofence.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * The durations of a policy file: a whole number with a unit s, m, h or d ({@code 30s}, {@code 1m},
 * {@code 7d}). Narrower than the filter's setting grammar on purpose: a policy names windows of
 * whole seconds, and one spelling per window keeps {@code policy diff} output canonical.
 */
final class PolicyDurations {

  static final Duration MIN = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofDays(7);

  private PolicyDurations() {}

  /** The duration, or empty when {@code text} is not a number followed by s, m, h or d. */
  static Optional<Duration> parse(String text) {
    int n = text.length();
    if (n < 2 || n > 12) {
      return Optional.empty();
    }
    for (int i = 0; i < n - 1; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    long amount = Long.parseLong(text.substring(0, n - 1));
    switch (text.charAt(n - 1)) {
      case 's':
        return Optional.of(Duration.ofSeconds(amount));
      case 'm':
        return Optional.of(Duration.ofMinutes(amount));
      case 'h':
        return Optional.of(Duration.ofHours(amount));
      case 'd':
        return Optional.of(Duration.ofDays(amount));
      default:
        return Optional.empty();
    }
  }

  /** Whether {@code d} is a whole number of seconds from {@link #MIN} to {@link #MAX}. */
  static boolean inRange(Duration d) {
    return d.getNano() == 0 && d.compareTo(MIN) >= 0 && d.compareTo(MAX) <= 0;
  }

  /** The shortest form in the largest unit that divides it: {@code 90s}, {@code 1m}, {@code 2d}. */
  static String format(Duration d) {
    long s = d.getSeconds();
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
