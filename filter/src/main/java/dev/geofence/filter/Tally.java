package dev.geofence.filter;

import dev.geofence.filter.audit.AuditLog;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts decisions for {@link GeofenceStatus} and, when a Micrometer registry is configured,
 * publishes them. Micrometer is an optional dependency: its types appear only in {@link
 * MicrometerMetrics}, loaded only when a registry is given. Thread-safe.
 */
final class Tally implements AutoCloseable {

  /** How a request ended. */
  enum Kind {
    ALLOWED("allow"),
    SUBSTITUTED("substitute"),
    BLOCKED("block"),
    REJECTED("reject"),
    ERROR("error");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** Receives each counted request. */
  interface Listener extends AutoCloseable {
    void record(Kind kind, long decisionNanos);

    @Override
    void close();
  }

  private final LongAdder[] counts = new LongAdder[Kind.values().length];
  private final Listener listener;

  private Tally(Listener listener) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
    this.listener = listener;
  }

  static Tally create(GeofenceSettings settings, AuditLog audit, Geofence engine) {
    if (settings.meterRegistry().isEmpty()) {
      return new Tally(null);
    }
    // Object, not MeterRegistry: this class must load without Micrometer on the class path.
    Object registry = settings.meterRegistry().get();
    return new Tally(MicrometerMetrics.bind(registry, audit, engine));
  }

  void count(Kind kind, Enforcer.Exchange x) {
    counts[kind.ordinal()].increment();
    if (listener != null) {
      listener.record(kind, x.decidedNanos - x.startNanos);
    }
  }

  GeofenceStatus.Counts counts() {
    return new GeofenceStatus.Counts(
        counts[0].sum(), counts[1].sum(), counts[2].sum(), counts[3].sum(), counts[4].sum());
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
  }
}
