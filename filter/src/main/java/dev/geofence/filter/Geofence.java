package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.AnonymizerFlag;
import dev.geofence.filter.geo.GeoCacheStats;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoDatabaseException;
import dev.geofence.filter.geo.GeoLookup;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.reload.FileWatcher;
import dev.geofence.filter.response.RejectionReason;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Explanation;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import dev.geofence.policy.ValidationReport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision engine behind {@link GeofenceFilter}, usable without a servlet container (the {@code
 * geofence explain} command, benchmarks, other frameworks): resolves the caller's address, looks up
 * its country and evaluates the region policy.
 *
 * <pre>{@code
 * try (Geofence fence = Geofence.create(settings)) {
 *   GeofenceDecision d = fence.decide("203.0.113.7", List.of(), "claude-opus-4-1", Instant.now());
 *   System.out.println(fence.explain("203.0.113.7", List.of(), "claude-opus-4-1", Instant.now()));
 * }
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every thread. The policy is an immutable snapshot in an
 * {@link AtomicReference}; when the policy file changes, the new file is validated and swapped in
 * whole, or refused (the last good policy keeps serving, the error is logged and shown in {@link
 * #status()}). The GeoIP database reloads itself. Decisions never throw for request content; a
 * failing custom {@link GeoLookup} does throw, and the filter answers that with 503.
 */
public final class Geofence implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Geofence.class);

  private final GeofenceSettings settings;
  private final ClientAddressResolver resolver;
  private final GeoLookup lookup;
  private final Optional<GeoDatabase> database; // owned: opened from the settings
  private final AtomicReference<LoadedPolicy> policy;
  private final AtomicReference<PolicyError> policyError = new AtomicReference<>();
  private final FileWatcher policyWatcher; // null when watching is off
  private final RequestIds requestIds = new RequestIds();

  /** A policy and when it was loaded: swapped as one. */
  record LoadedPolicy(Policy policy, Instant loadedAt) {}

  /** A refused reload. */
  private record PolicyError(String message, Instant at) {}

  private Geofence(GeofenceSettings settings, LoadedPolicy policy, Optional<GeoDatabase> database) {
    this.settings = settings;
    this.resolver =
        ClientAddressResolver.builder()
            .trustedProxies(settings.trustedProxies())
            .header(settings.proxyHeader())
            .maxHeaderLength(settings.maxHeaderLength())
            .maxHops(settings.maxHops())
            .build();
    this.database = database;
    this.lookup =
        settings.geoLookup().isPresent() ? settings.geoLookup().get() : database.orElseThrow();
    this.policy = new AtomicReference<>(policy);
    this.policyWatcher =
        settings.policyWatchInterval().isZero()
            ? null
            : FileWatcher.watch(
                settings.policyFile(), settings.policyWatchInterval(), p -> reloadPolicy());
  }

  /**
   * Loads the policy, opens the databases and starts watching the policy file.
   *
   * @throws IllegalArgumentException naming the setting ({@code policy-file}, {@code
   *     geoip-database}) when the policy does not load or a database is refused
   */
  public static Geofence create(GeofenceSettings settings) {
    Objects.requireNonNull(settings, "settings");
    LoadedPolicy policy = loadAtStart(settings);
    Optional<GeoDatabase> database =
        settings.geoLookup().isPresent() ? Optional.empty() : Optional.of(open(settings));
    try {
      Geofence fence = new Geofence(settings, policy, database);
      LOG.info("Geo-fence started with {} from {}", policy.policy(), settings.policyFile());
      return fence;
    } catch (RuntimeException e) {
      database.ifPresent(GeoDatabase::close);
      throw e;
    }
  }

  private static LoadedPolicy loadAtStart(GeofenceSettings settings) {
    try {
      return new LoadedPolicy(Policy.load(settings.policyFile()), settings.clock().instant());
    } catch (PolicyException e) {
      throw new IllegalArgumentException(
          "policy-file: the policy " + settings.policyFile() + " cannot be used: " + e.getMessage(),
          e);
    }
  }

  private static GeoDatabase open(GeofenceSettings settings) {
    Path path = settings.geoipDatabase().orElseThrow();
    GeoDatabase.Builder builder =
        GeoDatabase.builder()
            .database(path)
            .schema(settings.geoSchema())
            .flatCountryField(settings.flatCountryField())
            .cacheSize(settings.cacheSize())
            .staleIsUnavailable(settings.staleIsUnavailable())
            .missingDatabase(settings.missingDatabase())
            .watch(settings.databaseWatchInterval())
            .clock(settings.clock());
    settings.anonymousDatabase().ifPresent(builder::anonymousDatabase);
    settings.databaseMaxAge().ifPresentOrElse(builder::maxAge, builder::noMaxAge);
    try {
      return builder.build();
    } catch (GeoDatabaseException e) {
      String setting =
          settings.anonymousDatabase().filter(a -> a.equals(e.path())).isPresent()
              ? "anonymous-database"
              : "geoip-database";
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decides a request as the filter does, with a generated request id.
   *
   * @param peer the TCP peer address ({@code getRemoteAddr()}); null makes the caller unknown
   * @param proxyHeaderLines every line of the configured proxy header; empty when absent
   * @param model the requested model, or null when the request names none (the country decision)
   * @param at the instant to decide for
   */
  public GeofenceDecision decide(
      String peer, Enumeration<String> proxyHeaderLines, String model, Instant at) {
    Objects.requireNonNull(proxyHeaderLines, "proxyHeaderLines");
    Objects.requireNonNull(at, "at");
    return decide(
        requestIds.next(), currentPolicy(), resolver.resolve(peer, proxyHeaderLines), model, at);
  }

  /** As {@link #decide(String, Enumeration, String, Instant)}, with the header lines as a list. */
  public GeofenceDecision decide(
      String peer, List<String> proxyHeaderLines, String model, Instant at) {
    return decide(
        peer,
        Collections.enumeration(Objects.requireNonNull(proxyHeaderLines, "proxyHeaderLines")),
        model,
        at);
  }

  /** Decides for a resolved caller with a given policy snapshot. */
  GeofenceDecision decide(
      String requestId, Policy snapshot, ClientAddress client, String model, Instant at) {
    return decide(requestId, snapshot, locate(client), model, at);
  }

  /** Where a resolved caller is: the look-up, and the origin the policy is given. */
  record Located(ClientAddress client, GeoResult geo, Origin origin) {}

  /** Looks the caller up; an unknown caller is not looked up and has an unknown origin. */
  Located locate(ClientAddress client) {
    GeoResult geo = client.address().map(lookup::lookup).orElse(GeoResult.unavailable());
    return new Located(client, geo, originOf(geo));
  }

  /**
   * Decides for a located caller as a request for the snapshot's highest tier, whose model cannot
   * be read or replaced: see {@link Policy#evaluateTier}.
   */
  GeofenceDecision decideHighest(String requestId, Policy snapshot, Located caller, Instant at) {
    Decision decision =
        caller.client().isResolved()
            ? snapshot.evaluateTier(caller.origin(), snapshot.highestTier(), at)
            : snapshot.refuseUnresolvable(null);
    return new GeofenceDecision(
        requestId, caller.client(), caller.geo(), caller.origin(), decision, snapshot, at);
  }

  /**
   * Evaluates the policy snapshot for a located caller: the filter's path. An unresolvable caller
   * is refused before any rule ({@link Policy#refuseUnresolvable}): it is never the policy's {@code
   * unknown} caller.
   */
  GeofenceDecision decide(
      String requestId, Policy snapshot, Located caller, String model, Instant at) {
    Decision decision =
        caller.client().isResolved()
            ? snapshot.evaluate(caller.origin(), model, at)
            : snapshot.refuseUnresolvable(model);
    return new GeofenceDecision(
        requestId, caller.client(), caller.geo(), caller.origin(), decision, snapshot, at);
  }

  /**
   * Decides as {@link #decide(String, List, String, Instant)} and says how, step by step.
   *
   * @param peer the TCP peer address; null makes the caller unknown
   * @param proxyHeaderLines the lines of the configured proxy header; empty when absent
   * @param model the requested model, or null for the country decision
   * @param at the instant to decide for
   */
  public GeofenceExplanation explain(
      String peer, List<String> proxyHeaderLines, String model, Instant at) {
    GeofenceDecision decision = decide(peer, proxyHeaderLines, model, at);
    List<GeofenceExplanation.Step> steps = new ArrayList<>();
    steps.add(new GeofenceExplanation.Step("address", describe(decision.client(), peer)));
    if (!decision.client().isResolved()) {
      steps.add(
          new GeofenceExplanation.Step(
              "decision", describe(decision.decision(), decision.policy())));
      return new GeofenceExplanation(
          steps, new Explanation(List.of(), decision.decision()), decision);
    }
    Explanation policySteps = decision.policy().explain(decision.origin(), model, at);
    steps.add(new GeofenceExplanation.Step("lookup", describe(decision.client(), decision.geo())));
    steps.add(new GeofenceExplanation.Step("origin", describe(decision.origin())));
    for (Explanation.Step step : policySteps.steps()) {
      steps.add(
          new GeofenceExplanation.Step(
              "rule " + step.name(),
              step.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                  + ": "
                  + step.detail()));
    }
    steps.add(
        new GeofenceExplanation.Step("decision", describe(decision.decision(), decision.policy())));
    return new GeofenceExplanation(steps, policySteps, decision);
  }

  /** The policy serving now. */
  public Policy policy() {
    return currentPolicy();
  }

  Policy currentPolicy() {
    return policy.get().policy();
  }

  /** The settings this engine was created with. */
  public GeofenceSettings settings() {
    return settings;
  }

  /** The current state, without audit or request counts. */
  public GeofenceStatus status() {
    return status(Optional.empty(), GeofenceStatus.Counts.NONE);
  }

  GeofenceStatus status(Optional<AuditStats> audit, GeofenceStatus.Counts counts) {
    LoadedPolicy loaded = policy.get();
    PolicyError error = policyError.get();
    Policy p = loaded.policy();
    return new GeofenceStatus(
        settings.policyFile(),
        p.id(),
        p.version(),
        p.sha256(),
        loaded.loadedAt(),
        Optional.ofNullable(error).map(PolicyError::message),
        Optional.ofNullable(error).map(PolicyError::at),
        database.flatMap(GeoDatabase::info),
        database.flatMap(GeoDatabase::anonymousInfo),
        database.map(GeoDatabase::healthy).orElse(true),
        database.flatMap(GeoDatabase::lastReloadError).map(Throwable::getMessage),
        database.map(GeoDatabase::cacheStats).orElse(new GeoCacheStats(0, 0, 0, 0)),
        audit,
        counts);
  }

  /** The database opened from the settings, if the engine opened one. */
  Optional<GeoDatabase> database() {
    return database;
  }

  /** The address resolver; the filter resolves from the servlet request with it. */
  ClientAddressResolver resolver() {
    return resolver;
  }

  /** A new request id. */
  String nextRequestId() {
    return requestIds.next();
  }

  /**
   * Reads the policy file again: a valid policy replaces the current one atomically; an invalid one
   * is refused, logged and kept in the status while the current one serves on.
   *
   * @return true if the new policy is serving
   */
  boolean reloadPolicy() {
    ValidationReport report = Policy.validate(settings.policyFile());
    Optional<Policy> loaded = report.policy();
    if (loaded.isPresent()) {
      Policy previous =
          policy.getAndSet(new LoadedPolicy(loaded.get(), settings.clock().instant())).policy();
      policyError.set(null);
      LOG.info(
          "Policy reloaded from {}: {} replaces {}", settings.policyFile(), loaded.get(), previous);
      return true;
    }
    String errors =
        report.errors().stream().map(Object::toString).collect(Collectors.joining("; "));
    String message =
        "The policy "
            + settings.policyFile()
            + " was refused, the previous one keeps serving: "
            + errors;
    policyError.set(new PolicyError(message, settings.clock().instant()));
    LOG.error("{}", message);
    return false;
  }

  /** Stops watching the policy file and closes the databases this engine opened. Idempotent. */
  @Override
  public void close() {
    if (policyWatcher != null) {
      policyWatcher.close();
    }
    database.ifPresent(GeoDatabase::close);
  }

  // ---- origin and explanation text ----

  static Origin originOf(GeoResult geo) {
    if (geo.status() == GeoResult.Status.UNAVAILABLE) {
      return Origin.unknown();
    }
    return new Origin(
        geo.country().orElse(null),
        geo.registeredCountry().orElse(null),
        geo.representedCountry().orElse(null),
        geo.subdivisions(),
        !geo.anonymizer().isEmpty());
  }

  /**
   * The anonymizer flags as the audit trail writes them: {@code vpn}-style names without {@code
   * is_}.
   */
  static List<String> flagNames(GeoResult geo) {
    List<String> names = new ArrayList<>(geo.anonymizer().size());
    for (AnonymizerFlag flag : geo.anonymizer()) {
      names.add(flag.field().substring(3));
    }
    Collections.sort(names);
    return names;
  }

  private String describe(ClientAddress client, String peer) {
    return switch (client.source()) {
      case PEER ->
          "the caller is the TCP peer "
              + client.address().map(InetAddress::getHostAddress).orElse("?")
              + (settings.trustedProxies().isEmpty()
                  ? " (no trusted proxy is configured)"
                  : settings.trustedProxies().contains(client.address().orElseThrow())
                      ? " (a trusted proxy that sent no " + resolver.headerName() + " header)"
                      : " (not a trusted proxy, so " + resolver.headerName() + " is ignored)");
      case HEADER ->
          "the caller is "
              + client.address().map(InetAddress::getHostAddress).orElse("?")
              + ", named in "
              + client.header().orElse("?")
              + " by the trusted proxy "
              + client.peer().map(InetAddress::getHostAddress).orElse("?");
      case UNRESOLVABLE ->
          "the caller is unresolvable ("
              + client.reason().map(UnresolvableReason::code).orElse("?")
              + "): "
              + client.reason().map(UnresolvableReason::description).orElse("?")
              + client.header().map(h -> " in " + h).orElse("")
              + " (peer "
              + (peer == null ? "none" : peer)
              + ")";
    };
  }

  private static String describe(ClientAddress client, GeoResult geo) {
    if (!client.isResolved()) {
      return "not looked up: the caller is unresolvable";
    }
    return switch (geo.status()) {
      case FOUND ->
          "found in "
              + geo.network().orElse("a network")
              + ": country "
              + geo.country().orElse("-")
              + ", registered "
              + geo.registeredCountry().orElse("-")
              + ", represented "
              + geo.representedCountry().orElse("-")
              + ", subdivisions "
              + (geo.subdivisions().isEmpty() ? "-" : String.join(" ", geo.subdivisions()))
              + ", anonymizer "
              + (geo.anonymizer().isEmpty() ? "-" : String.join(" ", flagNames(geo)));
      case NOT_FOUND -> "the address is not in the database";
      case UNAVAILABLE -> "no database could answer (missing, or stale and stale-is-unavailable)";
    };
  }

  private static String describe(Origin origin) {
    if (origin.isUnknown() && !origin.anonymous()) {
      return "unknown: no country";
    }
    return "country "
        + orDash(origin.country())
        + ", registered "
        + orDash(origin.registeredCountry())
        + ", represented "
        + orDash(origin.representedCountry())
        + ", subdivisions "
        + (origin.subdivisions().isEmpty() ? "-" : String.join(" ", origin.subdivisions()))
        + ", anonymous "
        + (origin.anonymous() ? "yes" : "no");
  }

  private String describe(Decision decision, Policy snapshot) {
    String by =
        " by rule '"
            + decision.ruleName()
            + "'"
            + decision.basis().map(b -> " (basis: " + b + ")").orElse("")
            + " of policy "
            + snapshot.id()
            + " version "
            + snapshot.version();
    if (decision.reason() == Decision.Reason.MODEL_INVALID
        || decision.reason() == Decision.Reason.UNRESOLVABLE) {
      boolean model = decision.reason() == Decision.Reason.MODEL_INVALID;
      return "refuse before any rule of policy "
          + snapshot.id()
          + " version "
          + snapshot.version()
          + (model
              ? ": the model id is not one the policy accepts; the filter answers 400 "
                  + RejectionReason.MODEL_INVALID.code()
              : ": the caller's address cannot be told; the filter answers 400 "
                  + RejectionReason.ADDRESS_UNRESOLVABLE.code());
    }
    if (decision.action() == Action.BLOCK) {
      return "block" + by + "; the filter answers " + settings.blockStatus();
    }
    if (decision.action() == Action.SUBSTITUTE) {
      return "substitute "
          + decision.requestedModel().orElse("-")
          + " with "
          + decision.effectiveModel().orElse("-")
          + by;
    }
    return "allow" + decision.requestedModel().map(m -> " " + m).orElse("") + by;
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
