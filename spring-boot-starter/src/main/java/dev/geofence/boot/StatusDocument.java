package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoCacheStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The geo-fence's state as plain maps, for the {@code geofence} endpoint (the document the demo
 * serves at {@code /geofence/status}, with the same names) and the health details. Values are
 * strings, numbers and booleans only, so any JSON mapper Boot uses writes them alike. Stateless.
 */
final class StatusDocument {

  private StatusDocument() {}

  /** The whole status document. */
  static Map<String, Object> of(GeofenceFilter filter) {
    GeofenceStatus status = filter.status();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("geofence", "enabled");
    root.put("healthy", status.healthy());

    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("id", status.policyId());
    policy.put("version", status.policyVersion());
    policy.put("sha256", status.policySha256());
    policy.put("loaded_at", status.policyLoadedAt().toString());
    policy.put("file", status.policyFile().toString());
    policy.put("last_reload_error", status.policyError().orElse(null));
    policy.put("last_reload_error_at", status.policyErrorAt().map(Object::toString).orElse(null));
    root.put("policy", policy);

    Map<String, Object> database = new LinkedHashMap<>();
    status.database().ifPresent(info -> database.putAll(database(info)));
    database.put("healthy", status.databaseHealthy());
    database.put("last_reload_error", status.databaseError().orElse(null));
    root.put("database", database);
    status.anonymousDatabase().ifPresent(info -> root.put("anonymous_database", database(info)));

    GeoCacheStats cache = status.cache();
    Map<String, Object> caching = new LinkedHashMap<>();
    caching.put("hits", cache.hits());
    caching.put("misses", cache.misses());
    caching.put("evictions", cache.evictions());
    caching.put("size", cache.size());
    caching.put("hit_rate", cache.hitRate());
    root.put("cache", caching);

    GeofenceStatus.Counts counts = status.counts();
    Map<String, Object> decisions = new LinkedHashMap<>();
    decisions.put("allowed", counts.allowed());
    decisions.put("substituted", counts.substituted());
    decisions.put("blocked", counts.blocked());
    decisions.put("rejected", counts.rejected());
    decisions.put("errors", counts.errors());
    root.put("decisions", decisions);

    Map<String, Object> audit = new LinkedHashMap<>();
    filter
        .settings()
        .auditDirectory()
        .ifPresent(dir -> audit.put("directory", dir.toAbsolutePath().toString()));
    status.audit().ifPresent(stats -> audit.putAll(audit(stats)));
    root.put("audit", audit);
    status.usage().ifPresent(u -> root.put("usage", usage(u)));
    return root;
  }

  /**
   * The health of the geo-fence: down while the country database is unavailable, or stale with
   * {@code geofence.geoip.stale-is-unavailable=true} (the geo-fence then fails closed).
   */
  record Health(boolean up, Map<String, Object> details) {}

  static Health health(GeofenceFilter filter, Clock clock) {
    GeofenceStatus status = filter.status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("policy.id", status.policyId());
    details.put("policy.version", status.policyVersion());
    details.put("policy.sha256", status.policySha256());
    status.policyError().ifPresent(e -> details.put("policy.last_reload_error", e));
    Optional<DatabaseInfo> database = status.database();
    database.ifPresent(
        info -> {
          details.put("database.type", info.databaseType());
          details.put("database.build_time", info.buildTime().toString());
          details.put(
              "database.age", Duration.between(info.buildTime(), clock.instant()).toString());
          details.put("database.stale", info.stale());
        });
    status.databaseError().ifPresent(e -> details.put("database.last_reload_error", e));
    status.audit().ifPresent(a -> details.put("audit.lost", a.lost()));
    // Shown, not counted against health: while Redis is down every instance answers as
    // usage-store-failure says, and marking them all down would be worse.
    status
        .usage()
        .ifPresent(
            u -> {
              details.put("usage.store", u.store());
              details.put("usage.healthy", u.healthy());
            });
    boolean unavailable =
        filter.settings().geoipDatabase().isPresent() && database.isEmpty()
            || database.map(DatabaseInfo::stale).orElse(false)
                && filter.settings().staleIsUnavailable();
    return new Health(!unavailable, details);
  }

  private static Map<String, Object> database(DatabaseInfo info) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("type", info.databaseType());
    node.put("build_time", info.buildTime().toString());
    node.put("path", info.path().toString());
    node.put("sha256", info.sha256());
    node.put("stale", info.stale());
    return node;
  }

  private static Map<String, Object> usage(GeofenceStatus.Usage u) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("store", u.store());
    node.put("failure_mode", u.failureMode().label());
    node.put("healthy", u.healthy());
    node.put("degraded_since", u.degradedSince().map(Object::toString).orElse(null));
    node.put("last_error", u.lastError().orElse(null));
    node.put("limited", u.limited());
    node.put("alerts", u.alerts());
    node.put("fallback_answers", u.fallbackAnswers());
    node.put("failures", u.failures());
    List<Map<String, Object>> rules = new ArrayList<>();
    for (GeofenceStatus.RuleUsage r : u.byRule()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("rule", r.rule());
      rule.put("over_usage", r.overUsage());
      rule.put("limited", r.limited());
      rule.put("alerts", r.alerts());
      rules.add(rule);
    }
    node.put("by_rule", rules);
    return node;
  }

  private static Map<String, Object> audit(AuditStats stats) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("written", stats.written());
    node.put("lost", stats.lost());
    node.put("queue_depth", stats.queueDepth());
    node.put("last_error", stats.lastError().orElse(null));
    node.put("last_error_at", stats.lastErrorAt().map(Object::toString).orElse(null));
    return node;
  }
}
