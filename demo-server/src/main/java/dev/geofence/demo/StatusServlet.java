package dev.geofence.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoCacheStats;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /geofence/status}: the policy, the database, cache statistics, decision counts and
 * audit losses as JSON, from the filter's {@link GeofenceStatus}. Thread-safe; reads snapshots.
 */
final class StatusServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient ObjectMapper json;
  private final transient DemoGeofence geofence;

  StatusServlet(ObjectMapper json, DemoGeofence geofence) {
    this.json = json;
    this.geofence = geofence;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonResponses.write(json, response, 200, render());
  }

  ObjectNode render() {
    ObjectNode root = json.createObjectNode();
    Optional<GeofenceStatus> running = geofence.status();
    root.put("geofence", running.isPresent() ? "enabled" : "disabled");
    if (running.isEmpty()) {
      return root;
    }
    GeofenceStatus status = running.get();
    root.put("healthy", status.healthy());

    ObjectNode policy = root.putObject("policy");
    policy
        .put("id", status.policyId())
        .put("version", status.policyVersion())
        .put("sha256", status.policySha256())
        .put("loaded_at", status.policyLoadedAt().toString())
        .put("source", geofence.policySource())
        .put("file", status.policyFile().toString());
    putOptional(policy, "last_reload_error", status.policyError());
    putOptional(policy, "last_reload_error_at", status.policyErrorAt().map(Object::toString));

    ObjectNode database = root.putObject("database");
    database.put("source", geofence.databaseSource());
    status.database().ifPresent(info -> putDatabase(database, info));
    database.put("healthy", status.databaseHealthy());
    putOptional(database, "last_reload_error", status.databaseError());
    status
        .anonymousDatabase()
        .ifPresent(info -> putDatabase(root.putObject("anonymous_database"), info));

    GeoCacheStats cache = status.cache();
    root.putObject("cache")
        .put("hits", cache.hits())
        .put("misses", cache.misses())
        .put("evictions", cache.evictions())
        .put("size", cache.size())
        .put("hit_rate", cache.hitRate());

    GeofenceStatus.Counts counts = status.counts();
    root.putObject("decisions")
        .put("allowed", counts.allowed())
        .put("substituted", counts.substituted())
        .put("blocked", counts.blocked())
        .put("rejected", counts.rejected())
        .put("errors", counts.errors());

    status.shadow().ifPresent(shadow -> putShadow(root.putObject("shadow_policy"), shadow));
    status.usage().ifPresent(usage -> putUsage(root.putObject("usage"), usage));

    ObjectNode audit = root.putObject("audit");
    audit.put("directory", geofence.auditDirectory().toAbsolutePath().toString());
    status.audit().ifPresent(stats -> putAudit(audit, stats));
    return root;
  }

  private static void putShadow(ObjectNode node, GeofenceStatus.Shadow shadow) {
    node.put("file", shadow.policyFile().toString());
    putOptional(node, "id", shadow.policyId());
    putOptional(node, "version", shadow.policyVersion());
    putOptional(node, "sha256", shadow.policySha256());
    putOptional(node, "loaded_at", shadow.loadedAt().map(Object::toString));
    putOptional(node, "last_error", shadow.error());
    putOptional(node, "last_error_at", shadow.errorAt().map(Object::toString));
    node.put("decided", shadow.decided()).put("diverged", shadow.diverged());
    ObjectNode byAction = node.putObject("by_action");
    for (GeofenceStatus.ActionPair pair : shadow.byAction()) {
      if (pair.requests() > 0) {
        byAction.put(pair.enforced().label() + " -> " + pair.shadow().label(), pair.requests());
      }
    }
  }

  private static void putUsage(ObjectNode node, GeofenceStatus.Usage usage) {
    node.put("store", usage.store())
        .put("failure_mode", usage.failureMode().label())
        .put("healthy", usage.healthy());
    putOptional(node, "degraded_since", usage.degradedSince().map(Object::toString));
    putOptional(node, "last_error", usage.lastError());
    node.put("limited", usage.limited())
        .put("alerts", usage.alerts())
        .put("fallback_answers", usage.fallbackAnswers())
        .put("failures", usage.failures());
    ObjectNode byRule = node.putObject("by_rule");
    for (GeofenceStatus.RuleUsage rule : usage.byRule()) {
      byRule
          .putObject(rule.rule())
          .put("over_usage", rule.overUsage())
          .put("limited", rule.limited())
          .put("alerts", rule.alerts());
    }
  }

  private static void putDatabase(ObjectNode node, DatabaseInfo info) {
    node.put("type", info.databaseType())
        .put("build_time", info.buildTime().toString())
        .put("path", info.path().toString())
        .put("sha256", info.sha256())
        .put("stale", info.stale());
  }

  private static void putAudit(ObjectNode node, AuditStats stats) {
    node.put("written", stats.written())
        .put("lost", stats.lost())
        .put("queue_depth", stats.queueDepth());
    putOptional(node, "last_error", stats.lastError());
    putOptional(node, "last_error_at", stats.lastErrorAt().map(Object::toString));
  }

  private static void putOptional(ObjectNode node, String name, Optional<String> value) {
    value.ifPresentOrElse(v -> node.put(name, v), () -> node.putNull(name));
  }
}
