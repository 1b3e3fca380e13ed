package dev.geofence.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How many requests one principal (or one address, when the request has no principal) may make
 * under a rule within a window: the {@code usage-limit} of a {@code monitor:} mapping, written
 * {@code N/DURATION} ({@code 5/1m}, {@code 100/1h}, {@code 1000/1d}, {@code 10/30s}). Immutable.
 *
 * @param requests how many requests the window allows, 1 to {@value #MAX_REQUESTS}
 * @param window the window, a whole number of seconds from 1s to 7d
 */
public record UsageLimit(int requests, Duration window) {

  /** The largest number of requests a limit may allow per window. */
  public static final int MAX_REQUESTS = 1_000_000_000;

  /**
   * @throws IllegalArgumentException if {@code requests} or {@code window} is out of range
   */
  public UsageLimit {
    Objects.requireNonNull(window, "window");
    if (requests < 1 || requests > MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "A usage limit of "
              + requests
              + " requests is out of range; expected 1 to "
              + MAX_REQUESTS
              + ".");
    }
    if (!PolicyDurations.inRange(window)) {
      throw new IllegalArgumentException(
          "A usage limit window of "
              + window
              + " is out of range; expected whole seconds from 1s to 7d.");
    }
  }

  /**
   * Parses {@code N/DURATION}, the units being s, m, h and d: {@code UsageLimit.parse("5/1m")}.
   *
   * @throws IllegalArgumentException with one sentence saying what is wrong and what is accepted
   */
  public static UsageLimit parse(String text) {
    Objects.requireNonNull(text, "text");
    Optional<String> problem = problem(text, "");
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get() + ".");
    }
    String t = text.strip();
    int slash = t.indexOf('/');
    return new UsageLimit(
        Integer.parseInt(t.substring(0, slash).strip()),
        PolicyDurations.parse(t.substring(slash + 1).strip()).orElseThrow());
  }

  /**
   * Why {@code text} is not a usage limit, as one sentence without a final stop; else empty. {@code
   * where} (such as {@code " in rule 'eu'"}) follows the quoted value.
   */
  static Optional<String> problem(String text, String where) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String expected =
        "expected REQUESTS/WINDOW such as 5/1m, 100/1h or 1000/1d (window units s, m, h, d)";
    if (slash < 0 || t.indexOf('/', slash + 1) >= 0) {
      return Optional.of("invalid usage-limit '" + t + "'" + where + "; " + expected);
    }
    String count = t.substring(0, slash).strip();
    Optional<Duration> window = PolicyDurations.parse(t.substring(slash + 1).strip());
    if (count.isEmpty() || !count.chars().allMatch(c -> c >= '0' && c <= '9') || window.isEmpty()) {
      return Optional.of("invalid usage-limit '" + t + "'" + where + "; " + expected);
    }
    if (count.length() > 10 || Long.parseLong(count) > MAX_REQUESTS) {
      return Optional.of(
          "usage-limit '"
              + t
              + "'"
              + where
              + " allows more than "
              + MAX_REQUESTS
              + " requests per window");
    }
    if (Long.parseLong(count) == 0) {
      return Optional.of(
          "usage-limit '"
              + t
              + "'"
              + where
              + " allows no request at all; expected at least 1 (to refuse every request, use"
              + " action: block)");
    }
    if (!PolicyDurations.inRange(window.get())) {
      return Optional.of(
          "usage-limit '"
              + t
              + "'"
              + where
              + " has a window outside 1s to 7d; expected a window such as 1m");
    }
    return Optional.empty();
  }

  /** The canonical form, as in policy files: {@code 5/1m}. */
  @Override
  public String toString() {
    return requests + "/" + PolicyDurations.format(window);
  }
}
