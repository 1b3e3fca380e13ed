package dev.geofence.filter.micrometer;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Publishes an {@link AuditLog}'s counters to Micrometer: {@code geofence.audit.records.written}
 * and {@code geofence.audit.records.lost} (counters) and {@code geofence.audit.queue.depth}
 * (gauge), read when the registry polls, so auditing a record costs no meter update. For an audit
 * log used without the filter; {@link GeofenceMetrics} includes these for the filter's own log.
 *
 * <p>{@link #close()} removes the meters it registered, so a restarted log registers fresh ones.
 * Thread-safe.
 */
public final class AuditMetrics implements MeterBinder, AutoCloseable {

  private final Supplier<AuditStats> stats;
  private final List<Meter> meters = new ArrayList<>();
  private MeterRegistry registry;

  private AuditMetrics(Supplier<AuditStats> stats) {
    this.stats = stats;
  }

  /** A binder for the log; call {@link #bindTo(MeterRegistry)} or pass it to your framework. */
  public static AuditMetrics of(AuditLog log) {
    Objects.requireNonNull(log, "log");
    return new AuditMetrics(log::stats);
  }

  /** A binder reading the counters from {@code stats}, which answers null while there is no log. */
  static AuditMetrics of(Supplier<AuditStats> stats) {
    return new AuditMetrics(stats);
  }

  /**
   * Registers the meters.
   *
   * @throws IllegalStateException if this binder is already bound
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (this.registry != null) {
      throw new IllegalStateException("These audit metrics are already bound; close them first.");
    }
    this.registry = registry;
    meters.add(
        FunctionCounter.builder("geofence.audit.records.written", this, m -> m.read(true))
            .description("Audit records written by all sinks")
            .register(registry));
    meters.add(
        FunctionCounter.builder("geofence.audit.records.lost", this, m -> m.read(false))
            .description(
                "Audit records lost (queue full, write failed or sink closed); alert on any"
                    + " increase")
            .register(registry));
    meters.add(
        Gauge.builder("geofence.audit.queue.depth", this, AuditMetrics::queueDepth)
            .description("Audit records waiting to be written")
            .register(registry));
  }

  private double read(boolean written) {
    AuditStats s = stats.get();
    return s == null ? Double.NaN : written ? s.written() : s.lost();
  }

  private double queueDepth() {
    AuditStats s = stats.get();
    return s == null ? Double.NaN : s.queueDepth();
  }

  /** Removes the meters this binder registered. Idempotent. */
  @Override
  public synchronized void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
      meters.clear();
      registry = null;
    }
  }
}
