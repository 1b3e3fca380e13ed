package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.OverflowPolicy;
import dev.geofence.filter.audit.Slf4jAuditSink;
import dev.geofence.filter.geo.AnonymizerFlag;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.cache.IdentityMemo;
import dev.geofence.filter.internal.response.RefusalReason;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Writes one {@link AuditRecord} per {@link Exchange} to the audit log: built from the settings
 * (SLF4J by default, or the chained file sink), or the one the application gave, which it keeps
 * owning. Everything a record needs is in the exchange; the sentence for people ({@code
 * event.reason}) is only made for records the scope keeps. Thread-safe.
 */
final class AuditRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditRecorder.class);

  /**
   * What the record of a plain exchange (one request decided by its screening alone: no batch, no
   * usage limit crossed, no failure) says that depends on its screening and on whether it was
   * refused, and on nothing else: made once per screening and reused for its repeat callers.
   *
   * @param refused whether {@code reason} is the sentence of a refusal
   * @param reason {@code event.reason}
   * @param addressSource where the caller's address was read, as the trail names it
   * @param anonymizerFlags the anonymizer flags as the trail names them; immutable
   */
  private record Described(
      boolean refused, String reason, String addressSource, Set<String> anonymizerFlags) {}

  private final AuditLog log;
  private final boolean owned;
  private final Supplier<Optional<DatabaseInfo>> database;
  private final IdentityMemo<Screening, Described> described; // null when caching is off

  private AuditRecorder(
      AuditLog log,
      boolean owned,
      Supplier<Optional<DatabaseInfo>> database,
      IdentityMemo<Screening, Described> described) {
    this.log = log;
    this.owned = owned;
    this.database = database;
    this.described = described;
  }

  /**
   * The recorder the settings ask for.
   *
   * @param database the provenance of the country database in use, read per record
   * @throws IllegalArgumentException naming {@code audit-directory} when the file sink cannot start
   */
  static AuditRecorder start(GeofenceSettings settings, Supplier<Optional<DatabaseInfo>> database) {
    if (!settings.auditEnabled()) {
      LOG.warn(
          "The geo-fence keeps no audit trail (audit-enabled=false): no decision is recorded.");
      return new AuditRecorder(null, false, database, null);
    }
    if (settings.auditLog().isPresent()) {
      return new AuditRecorder(
          settings.auditLog().get(), false, database, Screenings.memo(settings));
    }
    AuditSink sink;
    if (settings.auditDirectory().isPresent()) {
      FileAuditSink.Builder file;
      try {
        file =
            FileAuditSink.builder(settings.auditDirectory().get())
                .durability(settings.auditDurability())
                .maxFileSize(settings.auditMaxFileSize())
                .rotateEvery(settings.auditRotateEvery())
                .clock(settings.clock());
        settings.auditInstance().ifPresent(file::instance);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("audit-directory: " + e.getMessage(), e);
      }
      if (settings.auditSigningKey().isPresent()) {
        try {
          file.signingKey(settings.auditSigningKey().get());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("audit-signing-key: " + e.getMessage(), e);
        }
      }
      try {
        sink = file.build();
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("audit-directory: " + e.getMessage(), e);
      }
    } else {
      if (settings.auditSigningKey().isPresent()) {
        throw new IllegalArgumentException(
            "audit-signing-key: checkpoints are written by the file sink only; set audit-directory"
                + " too, or remove audit-signing-key");
      }
      requireSlf4jKeepsRecords();
      sink =
          settings
              .auditInstance()
              .map(name -> Slf4jAuditSink.create(Slf4jAuditSink.LOGGER_NAME, name))
              .orElseGet(Slf4jAuditSink::create);
    }
    AuditLog log =
        AuditLog.builder()
            .sink(sink)
            .ipPrivacy(settings.auditIpPrivacy())
            .scope(settings.auditScope())
            .build();
    return new AuditRecorder(log, true, database, Screenings.memo(settings));
  }

  /**
   * Refuses the SLF4J sink when its records would be dropped without a word: with no SLF4J provider
   * bound (SLF4J falls back to a logger that discards everything), or with the logger {@code
   * geofence.audit} off at INFO. For a compliance trail that looks like it works, this is the worst
   * failure there is.
   */
  private static void requireSlf4jKeepsRecords() {
    String instead =
        " Set audit-directory to write the trail to files, or set audit-enabled=false to run"
            + " with no audit trail at all.";
    if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
      throw new IllegalArgumentException(
          "audit-directory: no SLF4J provider is bound (such as Logback or slf4j-simple), so"
              + " every audit record sent to the logger "
              + Slf4jAuditSink.LOGGER_NAME
              + " would be discarded."
              + instead);
    }
    if (!LoggerFactory.getLogger(Slf4jAuditSink.LOGGER_NAME).isInfoEnabled()) {
      throw new IllegalArgumentException(
          "audit-directory: the logger "
              + Slf4jAuditSink.LOGGER_NAME
              + " is not enabled at INFO, so the logging configuration would discard every audit"
              + " record; enable it at INFO."
              + instead);
    }
  }

  /** The audit log; empty when the trail is turned off. */
  Optional<AuditLog> log() {
    return Optional.ofNullable(log);
  }

  /** Whether a request like this one must be held until its record is written. */
  boolean holds(Exchange exchange) {
    return log != null && log.overflow(exchange.action()) == OverflowPolicy.WAIT;
  }

  /**
   * Records one request. Never throws: auditing must not turn a decided request into a failure; the
   * log counts its own losses.
   *
   * @param status the status the caller was answered with; 500 when the application threw
   * @return what became of the record: {@code SKIPPED} when there is no trail or the record is out
   *     of its scope, {@code LOST} when it could not even be built
   */
  AuditSink.Delivery record(Exchange x, int status) {
    AuditAction action = x.action();
    // A request the shadow policy would decide otherwise is notable, as a monitor rule's is.
    if (log == null || !log.keeps(action, x.monitor() || x.shadow() != null)) {
      return AuditSink.Delivery.SKIPPED; // out of scope: build nothing
    }
    try {
      Policy policy = x.policy();
      Described said = described != null && plain(x) ? described(x) : null;
      AuditRecord.Builder r =
          AuditRecord.builder()
              .timestamp(x.arrival().at())
              .action(action)
              .reason(said != null ? said.reason() : reason(x))
              .httpMethod(x.arrival().method())
              .urlPath(x.arrival().uri())
              .statusCode(status)
              .requestId(x.requestId())
              .userId(x.principal().recorded())
              .decisionMicros(Math.max(0, (x.decidedNanos() - x.arrival().startNanos()) / 1000));
      Optional<DatabaseInfo> info = database.get();
      if (info.isPresent()) { // not ifPresent: a lambda capturing the builder is one more object
        database(r, info.get());
      }
      if (x.screening() != null) {
        decided(r, x.screening(), said);
        if (overUsage(x)) {
          r.usage(
              new AuditRecord.Usage(
                  x.screening()
                      .decision()
                      .monitoring()
                      .usageLimit()
                      .map(Object::toString)
                      .orElse(null),
                  null,
                  null));
        }
        if (x.batch() != null) {
          // Each entry has its own models; the request as a whole has none.
          r.requestedModel(null)
              .requestedTier(null)
              .effectiveModel(null)
              .effectiveTier(null)
              .batchEntries(x.batch().audited());
        }
        if (x.shadow() != null) {
          r.shadow(shadow(x.shadow()));
        }
      } else {
        if (x.model() != null) {
          r.requestedModel(x.model());
        }
        if (x.caller() != null) {
          located(r, x.caller(), x.geo(), x.geo().origin());
        }
      }
      r.policyId(policy.id()).policyVersion(policy.version()).policySha256(policy.sha256());
      return log.record(r.build());
    } catch (RuntimeException e) {
      LOG.error("Could not audit request {}", x.requestId(), e);
      return AuditSink.Delivery.LOST;
    }
  }

  /**
   * Whether {@code x} was decided by its screening alone, so that its sentence, address source and
   * anonymizer names are those of every exchange with the same screening that was refused or passed
   * alike: a decided request (a failure has none) that is no batch and did not meet its usage
   * limit. A diverging shadow adds a member of its own but changes none of these.
   */
  private static boolean plain(Exchange x) {
    return x.screening() != null && x.batch() == null && !overUsage(x);
  }

  /** What the record of a plain exchange says of its screening: from the memo, or made now. */
  private Described described(Exchange x) {
    Screening s = x.screening();
    Described said = described.get(s);
    if (said == null || said.refused() != x.refused()) {
      // Set.copyOf now, so that the record's own copy of the flags is the same set again.
      said =
          new Described(
              x.refused(),
              reason(x),
              addressSource(s.caller()),
              Set.copyOf(flagNames(s.geo().anonymizer())));
      described.put(s, said);
    }
    return said;
  }

  /** Whether the request was refused or substituted for its rule's usage limit. */
  private static boolean overUsage(Exchange x) {
    return x.screening().decision().reason() == Decision.Reason.OVER_USAGE
        || (x.refused() && x.refusal().reason().filter(RefusalReason::isUsage).isPresent());
  }

  /**
   * Writes one alert record ({@code event.kind: alert}, {@code event.action: usage-alert}) about
   * the request that raised it: its principal, rule, country, request id and policy. Never throws.
   */
  AuditSink.Delivery recordAlert(
      Exchange.Arrival arrival, Screening s, String reason, AuditRecord.Usage usage) {
    if (log == null) {
      return AuditSink.Delivery.SKIPPED;
    }
    try {
      Policy policy = arrival.policy();
      Decision d = s.decision();
      AuditRecord.Builder r =
          AuditRecord.builder()
              .timestamp(arrival.at())
              .action(AuditAction.ALERT)
              .reason(reason)
              .ruleName(d.ruleName())
              .basis(d.basis().orElse(null))
              .monitor(d.monitor())
              .httpMethod(arrival.method())
              .urlPath(arrival.uri())
              .requestId(arrival.requestId())
              .userId(arrival.principal().recorded())
              .usage(usage)
              .policyId(policy.id())
              .policyVersion(policy.version())
              .policySha256(policy.sha256());
      located(r, s.caller(), s.geo(), s.origin());
      return log.record(r.build());
    } catch (RuntimeException e) {
      LOG.error("Could not write the usage alert of request {}", arrival.requestId(), e);
      return AuditSink.Delivery.LOST;
    }
  }

  /**
   * The screening's decision and caller.
   *
   * @param said what the memo says of the screening; null to make it now
   */
  private static void decided(AuditRecord.Builder r, Screening s, Described said) {
    Decision d = s.decision();
    r.ruleName(d.ruleName())
        .basis(d.basis().orElse(null))
        .monitor(d.monitor())
        .requestedModel(d.requestedModel().orElse(null))
        .requestedTier(d.requestedTier().orElse(null))
        .effectiveModel(d.effectiveModel().orElse(null))
        .effectiveTier(d.effectiveTier().orElse(null));
    if (said == null) {
      located(r, s.caller(), s.geo(), s.origin());
    } else {
      located(r, s.caller(), s.origin(), said.addressSource(), said.anonymizerFlags());
    }
  }

  private static AuditRecord.Shadow shadow(Screening s) {
    Decision d = s.decision();
    Policy p = s.policy();
    return new AuditRecord.Shadow(
        p.id(),
        p.version(),
        p.sha256(),
        switch (d.action()) {
          case ALLOW -> AuditAction.ALLOW;
          case SUBSTITUTE -> AuditAction.SUBSTITUTE;
          case BLOCK -> AuditAction.BLOCK;
        },
        d.ruleName(),
        d.effectiveModel().orElse(null),
        d.effectiveTier().orElse(null));
  }

  private static void located(
      AuditRecord.Builder r, ClientAddress client, GeoResult geo, Origin origin) {
    located(r, client, origin, addressSource(client), flagNames(geo.anonymizer()));
  }

  private static void located(
      AuditRecord.Builder r,
      ClientAddress client,
      Origin origin,
      String addressSource,
      Set<String> anonymizerFlags) {
    r.sourceIp(client.address().orElse(null))
        .peerAddress(client.peer().orElse(null))
        .addressSource(addressSource)
        .addressUnresolvable(client.reason().map(UnresolvableReason::code).orElse(null))
        .country(origin.country())
        .regionIsoCode(origin.subdivisions().isEmpty() ? null : origin.subdivisions().get(0))
        .registeredCountry(origin.registeredCountry())
        .representedCountry(origin.representedCountry())
        .anonymizerFlags(anonymizerFlags);
  }

  /** Where the caller's address was read: {@code peer}, or the header's name in lower case. */
  private static String addressSource(ClientAddress client) {
    return switch (client.source()) {
      case PEER -> "peer";
      case HEADER -> client.header().orElse("header").toLowerCase(Locale.ROOT);
      case UNRESOLVABLE -> client.header().map(h -> h.toLowerCase(Locale.ROOT)).orElse("peer");
    };
  }

  /** The anonymizer flags as the trail writes them: {@code vpn}-style names, sorted. */
  static Set<String> flagNames(Set<AnonymizerFlag> flags) {
    if (flags.isEmpty()) {
      return Set.of();
    }
    Set<String> names = new TreeSet<>();
    for (AnonymizerFlag flag : flags) {
      names.add(flag.label());
    }
    return names;
  }

  private static void database(AuditRecord.Builder r, DatabaseInfo info) {
    r.databaseType(info.databaseType())
        .databaseBuildTime(info.buildTime())
        .databaseSha256(info.sha256());
  }

  /** The sentence for people reading the trail ({@code event.reason}). */
  static String reason(Exchange x) {
    if (x.failure() != null) {
      return "internal error: " + x.failure().getClass().getSimpleName();
    }
    Screening s = x.screening();
    if (x.refused() && x.refusal().reason().filter(RefusalReason::isUsage).isPresent()) {
      // Before the batch sentence: a batch refused for usage is refused as a whole, not by entry.
      return x.refusal().reason().get().code()
          + " under rule "
          + s.decision().ruleName()
          + ": "
          + x.refusal().detail();
    }
    if (x.batch() != null) {
      return batchReason(x);
    }
    if (x.refused()) {
      if (s == null) {
        return "request rejected ("
            + x.refusal().reason().map(reason -> reason.code()).orElse("-")
            + "): "
            + x.refusal().detail();
      }
      return blockReason(s);
    }
    return passReason(s.decision());
  }

  /** A batch: how its entries fared, then the sentence of the entry that stands for it. */
  private static String batchReason(Exchange x) {
    Exchange.Batch batch = x.batch();
    int refused = 0;
    for (Screening s : batch.screenings()) {
      refused += s.action() == dev.geofence.policy.Action.BLOCK ? 1 : 0;
    }
    String sentence =
        x.refused() ? blockReason(x.screening()) : passReason(x.screening().decision());
    return "batch of "
        + batch.entries().size()
        + (batch.entries().size() == 1 ? " entry, " : " entries, ")
        + batch.substituted()
        + " substituted, "
        + refused
        + " refused; first "
        + (x.refused() ? "refused" : batch.substituted() > 0 ? "substituted" : "entry")
        + ": "
        + sentence;
  }

  private static String blockReason(Screening s) {
    Decision d = s.decision();
    if (d.reason() == Decision.Reason.MODEL_INVALID) {
      return "model invalid: "
          + s.policy().checkModelId(d.requestedModel().orElse("")).orElse("not accepted");
    }
    if (d.reason() == Decision.Reason.UNRESOLVABLE) {
      UnresolvableReason why = s.caller().reason().orElseThrow();
      return "address unresolvable ("
          + why.code()
          + "): "
          + why.description()
          + s.caller().header().map(h -> " in " + h).orElse("");
    }
    return "blocked by rule "
        + d.ruleName()
        + " ("
        + d.reason().name().toLowerCase(Locale.ROOT)
        + ")"
        + d.matched().map(m -> ": " + m).orElse("")
        + unreadable(d);
  }

  private static String passReason(Decision d) {
    String what =
        d.action() == dev.geofence.policy.Action.SUBSTITUTE
            ? "substituted "
                + d.requestedModel().orElse("-")
                + " with "
                + d.effectiveModel().orElse("-")
            : "allowed";
    return what
        + " by rule "
        + d.ruleName()
        + d.matched().map(m -> " for " + m).orElse("")
        + (d.reason() == Decision.Reason.OVER_USAGE
            ? " (over the usage limit "
                + d.monitoring().usageLimit().map(Object::toString).orElse("-")
                + ")"
            : "")
        + unreadable(d);
  }

  /**
   * The note on a decision by tier (a request naming no model has no requested tier either): the
   * model could not be read, so the request was decided as the tier.
   */
  private static String unreadable(Decision d) {
    return d.requestedModel().isEmpty() && d.requestedTier().isPresent()
        ? "; model unreadable, decided as tier " + d.requestedTier().get()
        : "";
  }

  /** Closes the log if the filter built it; a given log belongs to the application. */
  @Override
  public void close() {
    if (owned && log != null) {
      log.close();
    }
  }
}
