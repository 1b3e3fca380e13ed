package dev.geofence.filter.internal.usage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a store's health, for status pages and metrics. Immutable.
 *
 * @param kind {@code local} or {@code redis}
 * @param healthy whether the store answers from where it should (always true for a local store)
 * @param failures operations on the shared store that failed so far
 * @param fallbackAnswers answers given without the shared store (fallback count, uncounted allow or
 *     block) so far
 * @param lastError the last failure's text, without secrets; empty when there was none
 * @param degradedSince when the store became unreachable; empty while healthy
 */
public record UsageStats(
    String kind,
    boolean healthy,
    long failures,
    long fallbackAnswers,
    Optional<String> lastError,
    Optional<Instant> degradedSince) {

  public UsageStats {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(degradedSince, "degradedSince");
  }
}
