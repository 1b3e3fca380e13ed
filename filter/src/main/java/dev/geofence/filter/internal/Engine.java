package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.GeoCacheStats;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoDatabaseException;
import dev.geofence.filter.geo.GeoLookup;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.reload.FileWatcher;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import dev.geofence.policy.ValidationReport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision engine behind the filter and {@code dev.geofence.filter.Geofence}: resolves the
 * caller, looks it up and evaluates the policy, producing one {@link Screening}. Knows nothing of
 * servlets, audit records or metrics; those read the screening it returns.
 *
 * <p>On a repeated caller the whole screening comes from caches (the resolver's known addresses,
 * the database's look-up cache, {@link Screenings}), so deciding it allocates nothing.
 *
 * <p>Thread-safe: one instance serves every thread. The policy is an immutable snapshot in an
 * {@link AtomicReference}; a changed policy file is validated and swapped in whole, or refused (the
 * last good policy keeps serving, the error is logged and shown in the status).
 */
public final class Engine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final GeofenceSettings settings;
  private final ClientAddressResolver resolver;
  private final GeoLookup lookup;
  private final Optional<GeoDatabase> database; // owned: opened from the settings
  private final AtomicReference<LoadedPolicy> policy;
  private final AtomicReference<PolicyError> policyError = new AtomicReference<>();
  private final FileWatcher policyWatcher; // null when watching is off
  private final Screenings screenings; // null when caching is off
  private final ShadowPolicy shadow; // null when no shadow policy is configured
  private final Screenings shadowScreenings; // null when caching is off or there is no shadow

  /** A policy and when it was loaded: swapped as one. */
  private record LoadedPolicy(Policy policy, Instant loadedAt) {}

  /** A refused reload. */
  private record PolicyError(String message, Instant at) {}

  private Engine(GeofenceSettings settings, LoadedPolicy policy, Optional<GeoDatabase> database) {
    this.settings = settings;
    int cacheSize = (int) Math.min(settings.cacheSize(), 1 << 16);
    this.resolver =
        ClientAddressResolver.builder()
            .trustedProxies(settings.trustedProxies())
            .header(settings.proxyHeader())
            .maxHeaderLength(settings.maxHeaderLength())
            .maxHops(settings.maxHops())
            .cacheSize(cacheSize)
            .build();
    this.database = database;
    this.lookup =
        settings.geoLookup().isPresent() ? settings.geoLookup().get() : database.orElseThrow();
    this.policy = new AtomicReference<>(policy);
    this.screenings = cacheSize == 0 ? null : new Screenings(cacheSize);
    this.shadow =
        settings
            .shadowPolicyFile()
            .map(f -> new ShadowPolicy(f, settings.policyWatchInterval(), settings.clock()))
            .orElse(null);
    // A cache of its own, so that the shadow's entries never push the enforced ones out.
    this.shadowScreenings = cacheSize == 0 || shadow == null ? null : new Screenings(cacheSize);
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
  public static Engine start(GeofenceSettings settings) {
    LoadedPolicy policy = loadAtStart(settings);
    Optional<GeoDatabase> database =
        settings.geoLookup().isPresent() ? Optional.empty() : Optional.of(open(settings));
    try {
      Engine engine = new Engine(settings, policy, database);
      LOG.info("Geo-fence started with {} from {}", policy.policy(), settings.policyFile());
      return engine;
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

  /** The policy serving now: read once per request, so one request sees one policy. */
  public Policy policy() {
    return policy.get().policy();
  }

  /** The settings this engine was started with. */
  public GeofenceSettings settings() {
    return settings;
  }

  /** The address resolver; the filter resolves from the servlet request with it. */
  public ClientAddressResolver resolver() {
    return resolver;
  }

  /**
   * Where the caller is: the look-up of its address; unavailable for an unresolvable caller, which
   * is not looked up. Never throws for a database answer; a failing custom {@link GeoLookup} does.
   */
  public GeoResult locate(ClientAddress caller) {
    // No Optional.map: a repeated caller is located without allocating.
    Optional<InetAddress> address = caller.address();
    return address.isPresent() ? lookup.lookup(address.get()) : GeoResult.unavailable();
  }

  /**
   * The screening of a located caller asking for {@code model} (null: none) under {@code snapshot}.
   * An unresolvable caller is refused before any rule ({@link Policy#refuseUnresolvable}); it is
   * never the policy's {@code unknown} caller.
   */
  public Screening screen(
      Policy snapshot, ClientAddress caller, GeoResult geo, String model, Instant at) {
    return screen(snapshot, caller, geo, model, false, at);
  }

  /**
   * The screening of a located caller on an endpoint whose model cannot be read or replaced: a
   * request for the snapshot's highest tier ({@link Policy#evaluateTier}).
   */
  public Screening screenHighest(Policy snapshot, ClientAddress caller, GeoResult geo, Instant at) {
    return screen(snapshot, caller, geo, null, true, at);
  }

  private Screening screen(
      Policy snapshot,
      ClientAddress caller,
      GeoResult geo,
      String model,
      boolean highest,
      Instant at) {
    return screen(screenings, snapshot, caller, geo, model, highest, at);
  }

  /**
   * The shadow policy's screening of the request {@code enforced} decided, when its outcome
   * differs; null when it agrees or no shadow policy is in use. The same caller, look-up and model,
   * decided at {@code at} (the request's own time: the shadow's dated rules may start or end at
   * other moments than the enforced policy's). Counts the request for the status either way. On a
   * repeated caller whose outcomes agree this allocates nothing. Never throws: a shadow must not
   * change an answer.
   */
  public Screening divergingShadow(Screening enforced, Instant at) {
    if (shadow == null) {
      return null;
    }
    Policy snapshot = shadow.policy();
    if (snapshot == null) {
      return null;
    }
    try {
      Decision d = enforced.decision();
      // The enforced decision tells how the request was asked: by a model, by the highest tier (a
      // model that cannot be read), or for no model.
      boolean highest = d.requestedModel().isEmpty() && d.requestedTier().isPresent();
      String model = d.requestedModel().isPresent() ? d.requestedModel().get() : null;
      Screening s =
          screen(shadowScreenings, snapshot, enforced.caller(), enforced.geo(), model, highest, at);
      return shadow.count(d, s.decision()) ? s : null;
    } catch (RuntimeException e) {
      LOG.error("The shadow policy {} failed to decide a request; it is skipped", snapshot, e);
      return null;
    }
  }

  private Screening screen(
      Screenings screenings,
      Policy snapshot,
      ClientAddress caller,
      GeoResult geo,
      String model,
      boolean highest,
      Instant at) {
    if (screenings != null) {
      Screening known = screenings.get(caller, geo, snapshot, model, highest, at.getEpochSecond());
      if (known != null) {
        return known;
      }
    }
    Decision decision;
    if (!caller.isResolved()) {
      decision = snapshot.refuseUnresolvable(model);
    } else if (highest) {
      decision = snapshot.evaluateTier(geo.origin(), snapshot.highestTier(), at);
    } else {
      decision = snapshot.evaluate(geo.origin(), model, at);
    }
    Screening screening = new Screening(caller, geo, geo.origin(), decision, snapshot, at);
    if (screenings != null) {
      screenings.put(model, highest, screening);
    }
    return screening;
  }

  /** The current state, with the audit and request counts the caller keeps, and no usage. */
  public GeofenceStatus status(Optional<AuditStats> audit, GeofenceStatus.Counts counts) {
    return status(audit, counts, Optional.empty());
  }

  /** The current state, with the audit, request and usage counts the caller keeps. */
  public GeofenceStatus status(
      Optional<AuditStats> audit,
      GeofenceStatus.Counts counts,
      Optional<GeofenceStatus.Usage> usage) {
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
        counts,
        shadow == null ? Optional.empty() : Optional.of(shadow.status()),
        usage);
  }

  /**
   * Reads the shadow policy file again, as its watcher does on a change.
   *
   * @return true if the file's policy is now the shadow; false when it was refused or none is
   *     configured
   */
  public boolean reloadShadowPolicy() {
    return shadow != null && shadow.reload();
  }

  /** The database opened from the settings, if the engine opened one. */
  public Optional<GeoDatabase> database() {
    return database;
  }

  /**
   * Reads the policy file again: a valid policy replaces the current one atomically; an invalid one
   * is refused, logged and kept in the status while the current one serves on.
   *
   * @return true if the new policy is serving
   */
  public boolean reloadPolicy() {
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
    if (shadow != null) {
      shadow.close();
    }
    database.ifPresent(GeoDatabase::close);
  }
}
