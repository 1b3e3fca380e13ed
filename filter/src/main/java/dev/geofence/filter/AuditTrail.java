package dev.geofence.filter;

import dev.geofence.filter.Enforcer.Exchange;
import dev.geofence.filter.Geofence.Located;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.Slf4jAuditSink;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the filter did with a request into one {@link AuditRecord} and hands it to the audit
 * log: built from the settings (SLF4J by default, or the chained file sink), or the one the
 * application gave, which it keeps owning. Thread-safe.
 */
final class AuditTrail implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private final AuditLog log;
  private final boolean owned;

  private AuditTrail(AuditLog log, boolean owned) {
    this.log = log;
    this.owned = owned;
  }

  /**
   * The trail the settings ask for.
   *
   * @throws IllegalArgumentException naming {@code audit-directory} when the file sink cannot start
   */
  static AuditTrail start(GeofenceSettings settings) {
    if (settings.auditLog().isPresent()) {
      return new AuditTrail(settings.auditLog().get(), false);
    }
    AuditSink sink;
    if (settings.auditDirectory().isPresent()) {
      try {
        sink =
            FileAuditSink.builder(settings.auditDirectory().get())
                .durability(settings.auditDurability())
                .maxFileSize(settings.auditMaxFileSize())
                .rotateEvery(settings.auditRotateEvery())
                .clock(settings.clock())
                .build();
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("audit-directory: " + e.getMessage(), e);
      }
    } else {
      sink = Slf4jAuditSink.create();
    }
    return new AuditTrail(
        AuditLog.builder()
            .sink(sink)
            .ipPrivacy(settings.auditIpPrivacy())
            .scope(settings.auditScope())
            .build(),
        true);
  }

  AuditLog log() {
    return log;
  }

  /**
   * Records one request.
   *
   * @param decision the policy decision, when there was one
   * @param caller where the caller is, when known without a decision (rejections)
   * @param model the requested model, when read
   */
  void record(
      Exchange x,
      String action,
      String reason,
      int status,
      Optional<GeofenceDecision> decision,
      Optional<Located> caller,
      Optional<String> model,
      Geofence engine) {
    boolean monitor = decision.isPresent() && decision.get().decision().monitor();
    if (!log.keeps(action, monitor)) {
      return; // out of scope (an allowed request under audit-scope=notable): build nothing
    }
    try {
      AuditRecord.Builder r =
          AuditRecord.builder()
              .timestamp(x.at)
              .action(action)
              .reason(reason)
              .httpMethod(x.request.getMethod())
              .urlPath(x.request.getRequestURI())
              .statusCode(status)
              .policyId(x.policy.id())
              .policyVersion(x.policy.version())
              .policySha256(x.policy.sha256())
              .requestId(x.requestId)
              .decisionMicros(Math.max(0, (x.decidedNanos - x.startNanos) / 1000));
      engine.database().flatMap(db -> db.info()).ifPresent(info -> database(r, info));
      if (decision.isPresent()) {
        decided(r, decision.get());
      } else {
        model.ifPresent(m -> r.requestedModel(m).requestedTier(x.policy.tierOf(m)));
        Located c = caller.orElseGet(() -> locate(x, engine));
        located(r, c.client(), c.geo(), c.origin());
      }
      log.record(r.build());
    } catch (RuntimeException e) {
      // Auditing must not turn a decided request into a failure; the log counts its own losses.
      LOG.error("Could not audit request {}", x.requestId, e);
    }
  }

  /**
   * Where the caller of a request refused before the look-up is (a bad path, a wrong method), so
   * its record names the caller too; without the look-up when that is what failed.
   */
  private static Located locate(Exchange x, Geofence engine) {
    ClientAddress client =
        engine
            .resolver()
            .resolve(
                x.request.getRemoteAddr(), x.request.getHeaders(engine.resolver().headerName()));
    try {
      return engine.locate(client);
    } catch (RuntimeException e) {
      return new Located(client, GeoResult.unavailable(), Origin.unknown());
    }
  }

  private static void decided(AuditRecord.Builder r, GeofenceDecision g) {
    Decision d = g.decision();
    r.ruleName(d.ruleName())
        .basis(d.basis().orElse(null))
        .monitor(d.monitor())
        .requestedModel(d.requestedModel().orElse(null))
        .requestedTier(d.requestedTier().orElse(null))
        .effectiveModel(d.effectiveModel().orElse(null))
        .effectiveTier(d.effectiveTier().orElse(null));
    located(r, g.client(), g.geo(), g.origin());
  }

  private static void located(
      AuditRecord.Builder r, ClientAddress client, GeoResult geo, Origin origin) {
    client(r, client);
    r.country(origin.country())
        .regionIsoCode(origin.subdivisions().isEmpty() ? null : origin.subdivisions().get(0))
        .registeredCountry(origin.registeredCountry())
        .anonymizerFlags(java.util.Set.copyOf(Geofence.flagNames(geo)));
  }

  private static void client(AuditRecord.Builder r, ClientAddress client) {
    r.sourceIp(client.address().orElse(null))
        .peerAddress(client.peer().orElse(null))
        .addressSource(
            switch (client.source()) {
              case PEER -> "peer";
              case HEADER -> client.header().orElse("header").toLowerCase(Locale.ROOT);
              case UNRESOLVABLE ->
                  client.header().map(h -> h.toLowerCase(Locale.ROOT)).orElse("peer");
            })
        .addressUnresolvable(client.reason().map(UnresolvableReason::code).orElse(null));
  }

  private static void database(AuditRecord.Builder r, DatabaseInfo info) {
    r.databaseType(info.databaseType())
        .databaseBuildTime(info.buildTime())
        .databaseSha256(info.sha256());
  }

  /** Closes the log if the filter built it; a given log belongs to the application. */
  @Override
  public void close() {
    if (owned) {
      log.close();
    }
  }
}
