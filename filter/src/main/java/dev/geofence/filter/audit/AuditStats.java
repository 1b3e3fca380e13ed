package dev.geofence.filter.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Counters of an audit sink or log at one moment.
 *
 * @param written records written since start
 * @param lost records lost since start (queue full, write failed, or sink closed)
 * @param queueDepth records waiting to be written now
 * @param lastError the message of the last write failure, empty when the sink has never failed
 */
public record AuditStats(long written, long lost, int queueDepth, Optional<String> lastError) {

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
  }

  /** Adds two sinks' counters; the last error is this one's if any, else the other's. */
  AuditStats plus(AuditStats other) {
    return new AuditStats(
        written + other.written,
        lost + other.lost,
        queueDepth + other.queueDepth,
        lastError.isPresent() ? lastError : other.lastError);
  }
}
