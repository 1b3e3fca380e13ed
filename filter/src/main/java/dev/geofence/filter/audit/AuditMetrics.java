package dev.geofence.filter.audit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Publishes an {@link AuditLog}'s counters to Micrometer: {@code geofence.audit.records.written}
 * and {@code geofence.audit.records.lost} (counters) and {@code geofence.audit.queue.depth}
 * (gauge). Micrometer is an optional dependency; only this class needs it. Thread-safe.
 */
public final class AuditMetrics implements MeterBinder {

  private final AuditLog log;

  private AuditMetrics(AuditLog log) {
    this.log = log;
  }

  /** A binder for the log; call {@link #bindTo(MeterRegistry)} or pass it to your framework. */
  public static AuditMetrics of(AuditLog log) {
    return new AuditMetrics(Objects.requireNonNull(log, "log"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("geofence.audit.records.written", log, l -> l.stats().written())
        .description("Audit records written by all sinks")
        .register(registry);
    FunctionCounter.builder("geofence.audit.records.lost", log, l -> l.stats().lost())
        .description(
            "Audit records lost (queue full, write failed or sink closed); alert on any increase")
        .register(registry);
    Gauge.builder("geofence.audit.queue.depth", log, l -> l.stats().queueDepth())
        .description("Audit records waiting to be written")
        .register(registry);
  }
}
