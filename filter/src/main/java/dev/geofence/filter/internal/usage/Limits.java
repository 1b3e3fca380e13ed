package dev.geofence.filter.internal.usage;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Objects;

/** The one definition of a limit as a Bucket4j bandwidth, shared by the local and Redis stores. */
final class Limits {
  private Limits() {}

  /**
   * {@code requests} tokens, all back at once at the end of each window: "5 per minute" means five
   * now and five more a minute later, not one every twelve seconds.
   */
  static Bandwidth bandwidth(int requests, Duration window) {
    return Bandwidth.builder().capacity(requests).refillIntervally(requests, window).build();
  }

  static BucketConfiguration configuration(int requests, Duration window) {
    return BucketConfiguration.builder().addLimit(bandwidth(requests, window)).build();
  }

  /** Validates a limit and answers its window in nanoseconds. */
  static long windowNanos(int requests, Duration window) {
    Objects.requireNonNull(window, "window");
    if (requests < 1) {
      throw new IllegalArgumentException(
          "a usage limit allows at least 1 request, got " + requests);
    }
    return positive(window);
  }

  static long positive(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a usage window must be positive, got " + window);
    }
    return window.toNanos();
  }
}
