package dev.geofence.policy;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule as loaded, or the {@code unknown} or {@code anonymous} section (with {@link
 * Where#NOWHERE} and no dates). Dates are UTC days, both inclusive. Immutable.
 */
record RuleDef(
    String name,
    Where where,
    Limit limit,
    Optional<String> basis,
    Optional<LocalDate> from,
    Optional<LocalDate> until,
    Monitoring monitoring,
    int line,
    int column) {

  RuleDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(monitoring, "monitoring");
  }

  /** First second the rule applies, or Long.MIN_VALUE. */
  long fromSecond() {
    return from.map(d -> d.atStartOfDay().toEpochSecond(ZoneOffset.UTC)).orElse(Long.MIN_VALUE);
  }

  /** First second after the rule stops applying, or Long.MAX_VALUE. */
  long endSecond() {
    return until
        .map(d -> d.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC))
        .orElse(Long.MAX_VALUE);
  }

  boolean activeAt(long epochSecond) {
    return epochSecond >= fromSecond() && epochSecond < endSecond();
  }

  /** Whether this rule applies at every moment {@code other} does. */
  boolean activeWhenever(RuleDef other) {
    return fromSecond() <= other.fromSecond() && endSecond() >= other.endSecond();
  }

  boolean overlapsInTime(RuleDef other) {
    return fromSecond() < other.endSecond() && other.fromSecond() < endSecond();
  }
}
