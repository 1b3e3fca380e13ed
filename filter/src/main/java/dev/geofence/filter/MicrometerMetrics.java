package dev.geofence.filter;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only class that uses Micrometer: counters {@code geofence.requests} by {@code outcome}, the
 * timer {@code geofence.decision}, gauges for the look-up cache and the policy reload state, and
 * the audit metrics. Thread-safe.
 */
final class MicrometerMetrics implements Tally.Listener {

  private final MeterRegistry registry;
  private final Counter[] counters = new Counter[Tally.Kind.values().length];
  private final Timer timer;
  private final List<Meter> meters = new ArrayList<>();

  private MicrometerMetrics(MeterRegistry registry, AuditLog audit, Geofence engine) {
    this.registry = registry;
    for (Tally.Kind kind : Tally.Kind.values()) {
      counters[kind.ordinal()] =
          add(
              Counter.builder("geofence.requests")
                  .tag("outcome", kind.label)
                  .description("Requests examined by the geo-fence, by outcome")
                  .register(registry));
    }
    timer =
        add(
            Timer.builder("geofence.decision")
                .description("Time to decide a request, body reading included")
                .register(registry));
    add(
        Gauge.builder(
                "geofence.policy.reload.failing",
                engine,
                e -> e.status().policyError().isPresent() ? 1 : 0)
            .description("1 while the last policy reload was refused")
            .register(registry));
    add(
        Gauge.builder("geofence.geoip.cache.hit.ratio", engine, e -> e.status().cache().hitRate())
            .register(registry));
    add(
        Gauge.builder("geofence.geoip.healthy", engine, e -> e.status().databaseHealthy() ? 1 : 0)
            .description("1 while the GeoIP database is open and not stale")
            .register(registry));
    AuditMetrics.of(audit).bindTo(registry);
  }

  /**
   * @param registry a {@code MeterRegistry}, typed Object so callers need not load Micrometer
   */
  static Tally.Listener bind(Object registry, AuditLog audit, Geofence engine) {
    return new MicrometerMetrics((MeterRegistry) registry, audit, engine);
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  @Override
  public void record(Tally.Kind kind, long decisionNanos) {
    counters[kind.ordinal()].increment();
    timer.record(Math.max(0, decisionNanos), TimeUnit.NANOSECONDS);
  }

  /** Removes this filter's meters, so a restarted filter registers fresh ones. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
