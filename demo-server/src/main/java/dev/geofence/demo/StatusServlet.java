package dev.geofence.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoCacheStats;
import dev.geofence.policy.Policy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /geofence/status}: the policy, the database, cache statistics, decision counts and
 * audit losses as JSON, for people and probes. Thread-safe; reads only snapshots.
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
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    JsonResponses.write(json, response, 200, status());
  }

  ObjectNode status() {
    ObjectNode status = json.createObjectNode();
    status.put("geofence", geofence.enabled() ? "enabled" : "disabled");
    ObjectNode policy = status.putObject("policy");
    policy.put("source", geofence.policySource());
    geofence.policy().ifPresent(p -> putPolicy(policy, p));
    ObjectNode database = status.putObject("database");
    database.put("source", geofence.databaseSource());
    geofence.geo().ifPresent(geo -> {
      geo.info().ifPresent(info -> putDatabase(database, info));
      geo.lastReloadError().ifPresentOrElse(
          e -> database.put("last_reload_error", e.getMessage()), () -> database.putNull("last_reload_error"));
      GeoCacheStats cache = geo.cacheStats();
      status.putObject("cache")
          .put("hits", cache.hits())
          .put("misses", cache.misses())
          .put("evictions", cache.evictions())
          .put("size", cache.size())
          .put("hit_rate", cache.hitRate());
    });
    ObjectNode audit = status.putObject("audit");
    audit.put("directory", geofence.auditDirectory().toAbsolutePath().toString());
    geofence.audit().ifPresent(log -> {
      AuditStats stats = log.stats();
      audit.put("written", stats.written()).put("lost", stats.lost()).put("queue_depth", stats.queueDepth());
      stats.lastError().ifPresentOrElse(e -> audit.put("last_error", e), () -> audit.putNull("last_error"));
    });
    return status;
  }

  private static void putPolicy(ObjectNode node, Policy policy) {
    node.put("id", policy.id()).put("version", policy.version()).put("sha256", policy.sha256());
  }

  private static void putDatabase(ObjectNode node, DatabaseInfo info) {
    node.put("path", info.path().toString())
        .put("type", info.databaseType())
        .put("build_time", info.buildTime().toString())
        .put("sha256", info.sha256())
        .put("stale", info.stale());
  }
}
