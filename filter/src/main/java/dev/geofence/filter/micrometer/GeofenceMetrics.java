package dev.geofence.filter.micrometer;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.policy.Action;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes a {@link GeofenceFilter}'s state to Micrometer, read from {@link
 * GeofenceFilter#status()} when the registry polls, so the request path never touches a meter:
 *
 * <ul>
 *   <li>{@code geofence.requests} (counter, tag {@code outcome}: {@code allow}, {@code substitute},
 *       {@code block}, {@code reject}, {@code error});
 *   <li>{@code geofence.decision} (timer: count and total time of deciding, body reading included);
 *   <li>{@code geofence.policy.reload.failing} (1 while the last policy reload was refused), {@code
 *       geofence.geoip.healthy} (1 while the database is open and not stale), {@code
 *       geofence.geoip.cache.hit.ratio};
 *   <li>{@code geofence.audit.records.written}, {@code geofence.audit.records.lost}, {@code
 *       geofence.audit.queue.depth};
 *   <li>{@code geofence.usage.store.healthy} (1 while the usage store answers from where it should;
 *       always 1 for a local store), {@code geofence.usage.store.failures} (counter: operations on
 *       the Redis store that failed), {@code geofence.usage.limited} (counter, tags {@code rule}
 *       and {@code over_usage}: requests over a rule's usage limit, and those refused because it
 *       could not be checked) and {@code geofence.usage.alerts} (counter, tag {@code rule}:
 *       usage-alert records written). A rule's two counters appear once it first limits or alerts;
 *   <li>with a shadow policy: {@code geofence.shadow.decisions} (counter, tags {@code enforced} and
 *       {@code shadow}: {@code allow}, {@code substitute}, {@code block}; every request both
 *       policies decided), and {@code geofence.shadow.policy.failing} (1 while the shadow file is
 *       refused).
 * </ul>
 *
 * <pre>{@code
 * GeofenceMetrics metrics = GeofenceMetrics.of(filter);
 * metrics.bindTo(registry);   // after the filter's init
 * ...
 * metrics.close();            // removes the meters, e.g. when the filter is destroyed
 * }</pre>
 *
 * <p>While the filter is not running the meters read NaN. Micrometer is an optional dependency of
 * the filter: only this package uses it. Thread-safe.
 */
public final class GeofenceMetrics implements MeterBinder, AutoCloseable {

  private static final String[] OUTCOMES = {"allow", "substitute", "block", "reject", "error"};

  private final GeofenceFilter filter;
  private final AuditMetrics audit;
  private final List<Meter> meters = new ArrayList<>();
  // The rules whose usage counters are registered; guarded by this.
  private final Set<String> usageRules = new HashSet<>();
  private volatile MeterRegistry registry;

  private GeofenceMetrics(GeofenceFilter filter) {
    this.filter = filter;
    this.audit = AuditMetrics.of(() -> status() == null ? null : status().audit().orElse(null));
  }

  /** A binder for the filter; bind it once the filter is initialised. */
  public static GeofenceMetrics of(GeofenceFilter filter) {
    return new GeofenceMetrics(Objects.requireNonNull(filter, "filter"));
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
      throw new IllegalStateException("These metrics are already bound; close them first.");
    }
    this.registry = registry;
    for (int i = 0; i < OUTCOMES.length; i++) {
      int outcome = i;
      meters.add(
          FunctionCounter.builder("geofence.requests", this, m -> m.count(outcome))
              .tag("outcome", OUTCOMES[i])
              .description("Requests examined by the geo-fence, by outcome")
              .register(registry));
    }
    ToLongFunction<GeofenceMetrics> decided = m -> (long) m.counts(GeofenceStatus.Counts::total);
    ToDoubleFunction<GeofenceMetrics> nanos = m -> m.counts(GeofenceStatus.Counts::decisionNanos);
    meters.add(
        FunctionTimer.builder("geofence.decision", this, decided, nanos, TimeUnit.NANOSECONDS)
            .description("Time to decide a request, body reading included")
            .register(registry));
    meters.add(
        gauge(
            "geofence.policy.reload.failing",
            s -> s.policyError().isPresent() ? 1 : 0,
            "1 while the last policy reload was refused"));
    meters.add(
        gauge(
            "geofence.geoip.healthy",
            s -> s.databaseHealthy() ? 1 : 0,
            "1 while the GeoIP database is open and not stale"));
    meters.add(
        gauge(
            "geofence.geoip.cache.hit.ratio",
            s -> s.cache().hitRate(),
            "Share of country look-ups answered from the cache"));
    meters.add(
        gauge(
            "geofence.usage.store.healthy",
            s -> {
              bindUsageRules(s);
              return s.usage().map(u -> u.healthy() ? 1 : 0).orElse(1);
            },
            "1 while the usage store answers from where it should"));
    meters.add(
        FunctionCounter.builder(
                "geofence.usage.store.failures", this, m -> m.usage(GeofenceStatus.Usage::failures))
            .description("Operations on the shared usage store that failed")
            .register(registry));
    GeofenceStatus now = status();
    if (now != null && now.shadow().isPresent()) {
      bindShadow();
    }
    if (now != null) {
      bindUsageRules(now);
    }
    audit.bindTo(registry);
  }

  private void bindShadow() {
    for (Action enforced : Action.values()) {
      for (Action shadow : Action.values()) {
        meters.add(
            FunctionCounter.builder(
                    "geofence.shadow.decisions", this, m -> m.shadowCount(enforced, shadow))
                .tag("enforced", enforced.label())
                .tag("shadow", shadow.label())
                .description(
                    "Requests decided by the policy and the shadow policy, by both actions")
                .register(registry));
      }
    }
    meters.add(
        gauge(
            "geofence.shadow.policy.failing",
            s -> s.shadow().map(sh -> sh.error().isPresent() ? 1 : 0).orElse(0),
            "1 while the shadow policy file is refused"));
  }

  /**
   * Registers the usage counters of rules that limited or alerted since the last look: which rules
   * have limits changes with the policy, so they are found in the status as they first count.
   */
  private synchronized void bindUsageRules(GeofenceStatus s) {
    MeterRegistry r = registry;
    if (r == null || s.usage().isEmpty()) {
      return;
    }
    for (GeofenceStatus.RuleUsage rule : s.usage().get().byRule()) {
      if (!usageRules.add(rule.rule())) {
        continue;
      }
      String name = rule.rule();
      meters.add(
          FunctionCounter.builder("geofence.usage.limited", this, m -> m.ruleCount(name, true))
              .tag("rule", name)
              .tag("over_usage", rule.overUsage())
              .description(
                  "Requests over a rule's usage limit, or unverifiable while the store is down")
              .register(r));
      meters.add(
          FunctionCounter.builder("geofence.usage.alerts", this, m -> m.ruleCount(name, false))
              .tag("rule", name)
              .description("Usage alert records written, by rule")
              .register(r));
    }
  }

  private double ruleCount(String rule, boolean limited) {
    GeofenceStatus s = status();
    if (s == null || s.usage().isEmpty()) {
      return Double.NaN;
    }
    return s.usage().get().byRule().stream()
        .filter(r -> r.rule().equals(rule))
        .mapToLong(r -> limited ? r.limited() : r.alerts())
        .sum();
  }

  private double usage(ToDoubleFunction<GeofenceStatus.Usage> read) {
    GeofenceStatus s = status();
    return s == null || s.usage().isEmpty() ? Double.NaN : read.applyAsDouble(s.usage().get());
  }

  private double shadowCount(Action enforced, Action shadow) {
    GeofenceStatus s = status();
    if (s == null || s.shadow().isEmpty()) {
      return Double.NaN;
    }
    return s.shadow().get().byAction().stream()
        .filter(p -> p.enforced() == enforced && p.shadow() == shadow)
        .mapToLong(GeofenceStatus.ActionPair::requests)
        .sum();
  }

  private Gauge gauge(String name, ToDoubleFunction<GeofenceStatus> read, String description) {
    return Gauge.builder(
            name,
            this,
            m -> {
              GeofenceStatus s = m.status();
              return s == null ? Double.NaN : read.applyAsDouble(s);
            })
        .description(description)
        .register(registry);
  }

  private double count(int outcome) {
    GeofenceStatus s = status();
    if (s == null) {
      return Double.NaN;
    }
    GeofenceStatus.Counts c = s.counts();
    return switch (outcome) {
      case 0 -> c.allowed();
      case 1 -> c.substituted();
      case 2 -> c.blocked();
      case 3 -> c.rejected();
      default -> c.errors();
    };
  }

  private double counts(ToDoubleFunction<GeofenceStatus.Counts> read) {
    GeofenceStatus s = status();
    return s == null ? 0 : read.applyAsDouble(s.counts());
  }

  /** The filter's status, or null while it is not running. */
  private GeofenceStatus status() {
    try {
      return filter.status();
    } catch (IllegalStateException notRunning) {
      return null;
    }
  }

  /** Removes every meter this binder registered. Idempotent. */
  @Override
  public synchronized void close() {
    if (registry != null) {
      audit.close();
      meters.forEach(registry::remove);
      meters.clear();
      usageRules.clear();
      registry = null;
    }
  }
}
