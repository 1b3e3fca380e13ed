package dev.geofence.filter.audit;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Counters of an audit sink or log at one moment.
 *
 * @param written records written since start
 * @param lost records lost since start (queue full, write failed, or sink closed)
 * @param queueDepth records waiting to be written now
 * @param lastError the message of the last write failure, empty when the sink has never failed. It
 *     stays after the sink works again: compare {@code lastErrorAt} with the time the trail was
 *     last written to tell a past failure from a present one
 * @param lastErrorAt when the last write failure happened; empty when the sink has never failed, or
 *     does not tell
 */
public record AuditStats(
    long written,
    long lost,
    int queueDepth,
    Optional<String> lastError,
    Optional<Instant> lastErrorAt) {

  /** Checks the counters are not negative. */
  public AuditStats {
    if (written < 0 || lost < 0 || queueDepth < 0) {
      throw new IllegalArgumentException(
          "audit counters must not be negative; got written "
              + written
              + ", lost "
              + lost
              + ", queue depth "
              + queueDepth);
    }
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastErrorAt, "lastErrorAt");
  }

  /** Counters without the time of the last failure, as a sink that does not keep it gives them. */
  public AuditStats(long written, long lost, int queueDepth, Optional<String> lastError) {
    this(written, lost, queueDepth, lastError, Optional.empty());
  }

  /** A sink's last write failure: its message and when it happened. */
  record Failure(String message, Instant at) {}

  /** The counters of a sink whose last failure is {@code failure}, null when it never failed. */
  static AuditStats of(long written, long lost, int queueDepth, Failure failure) {
    return failure == null
        ? new AuditStats(written, lost, queueDepth, Optional.empty())
        : new AuditStats(
            written, lost, queueDepth, Optional.of(failure.message()), Optional.of(failure.at()));
  }

  /** Orders failure times, a failure of unknown time before any known one. */
  private static final Comparator<Instant> FAILED_AT =
      Comparator.nullsFirst(Comparator.naturalOrder());

  /** Adds two sinks' counters; the last error is the later of the two, or the only one. */
  AuditStats plus(AuditStats other) {
    boolean mine =
        other.lastError.isEmpty()
            || (lastError.isPresent()
                && FAILED_AT.compare(lastErrorAt.orElse(null), other.lastErrorAt.orElse(null))
                    >= 0);
    AuditStats errors = mine ? this : other;
    return new AuditStats(
        written + other.written,
        lost + other.lost,
        queueDepth + other.queueDepth,
        errors.lastError,
        errors.lastErrorAt);
  }
}
