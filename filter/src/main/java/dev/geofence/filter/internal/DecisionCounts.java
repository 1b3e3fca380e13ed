package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceStatus;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests by how they ended, and the time spent deciding them, for {@link GeofenceStatus}
 * and the metrics binder. Lock-free adders: counting costs a request no contention and no
 * allocation. Thread-safe.
 */
public final class DecisionCounts {

  /** How a request ended. */
  public enum Ending {
    /** Passed with the requested model. */
    ALLOWED,
    /** Passed with a smaller model. */
    SUBSTITUTED,
    /** Refused by the policy. */
    BLOCKED,
    /** Refused as malformed, ambiguous, too large, unresolvable, with a wrong method (4xx). */
    REJECTED,
    /** Answered 503 because the filter failed. */
    ERROR
  }

  private final LongAdder[] counts = new LongAdder[Ending.values().length];
  private final LongAdder decisionNanos = new LongAdder();

  public DecisionCounts() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Counts one request and the nanoseconds it took to decide. */
  public void count(Ending ending, long nanos) {
    counts[ending.ordinal()].increment();
    decisionNanos.add(Math.max(0, nanos));
  }

  /** The counts so far. */
  public GeofenceStatus.Counts snapshot() {
    return new GeofenceStatus.Counts(
        counts[0].sum(),
        counts[1].sum(),
        counts[2].sum(),
        counts[3].sum(),
        counts[4].sum(),
        decisionNanos.sum());
  }
}
