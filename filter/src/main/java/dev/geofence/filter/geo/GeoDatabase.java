package dev.geofence.filter.geo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.maxmind.db.ClosedDatabaseException;
import dev.geofence.filter.geo.DatabaseInfo.Schema;
import dev.geofence.filter.geo.GeoDatabaseException.Reason;
import dev.geofence.filter.geo.OpenDatabase.Role;
import dev.geofence.filter.internal.reload.FileWatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country lookups on MaxMind DB files: GeoIP2 / GeoLite2 Country, City and Enterprise, DB-IP, and
 * flat country databases such as IPinfo Lite, with an optional GeoIP2 Anonymous IP database for
 * anonymizer flags, a bounded cache, staleness checks and reload without restart.
 *
 * <pre>{@code
 * GeoDatabase geo = GeoDatabase.builder()
 *     .database(Path.of("/var/lib/GeoIP/GeoLite2-Country.mmdb"))
 *     .maxAge(Duration.ofDays(14))
 *     .watch(Duration.ofSeconds(30))
 *     .build();
 * GeoResult result = geo.lookup(InetAddress.getByName("192.0.2.1"));
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every thread. The database in use is an immutable snapshot
 * (readers, their provenance and a cache of their answers) swapped atomically on reload; a lookup
 * that started on the old snapshot finishes on it, and the old readers are closed a grace period
 * later. A new file is opened and checked before the swap; a missing, corrupt, truncated or
 * wrong-type file is refused, the old data keeps serving and the error is kept in {@link
 * #lastReloadError()} and logged. Lookups never throw.
 */
public final class GeoDatabase implements GeoLookup, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GeoDatabase.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /** What to do when a database file does not exist at start. */
  public enum MissingDatabase {
    /** {@link Builder#build()} throws: a missing database is a configuration error. */
    FAIL,
    /**
     * Start anyway; every lookup is {@link GeoResult.Status#UNAVAILABLE} until the file appears.
     */
    UNKNOWN
  }

  private final Settings settings;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final AtomicReference<CacheStats> retiredStats =
      new AtomicReference<>(CacheStats.empty());
  private final AtomicLong retiredRecentHits = new AtomicLong();
  private final AtomicReference<GeoDatabaseException> lastReloadError = new AtomicReference<>();
  private final Set<OpenDatabase> retiring = ConcurrentHashMap.newKeySet();
  private final List<FileWatcher> watchers = new ArrayList<>();
  private final Object reloadLock = new Object();
  private volatile boolean closed;

  private GeoDatabase(Settings settings) {
    this.settings = settings;
  }

  /** Returns a builder; {@link Builder#database(Path)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  private void start() {
    if (!settings.watchInterval.isZero()) {
      // Watch before opening so that a change between the two is not missed.
      watchers.add(
          FileWatcher.watch(
              settings.database, settings.watchInterval, p -> reloadQuietly(Role.COUNTRY)));
      if (settings.anonymousDatabase != null) {
        watchers.add(
            FileWatcher.watch(
                settings.anonymousDatabase,
                settings.watchInterval,
                p -> reloadQuietly(Role.ANONYMOUS)));
      }
    }
    try {
      OpenDatabase main = openAtStart(settings.database, Role.COUNTRY);
      OpenDatabase anonymous =
          settings.anonymousDatabase == null
              ? null
              : openAtStart(settings.anonymousDatabase, Role.ANONYMOUS);
      current.set(newSnapshot(main, anonymous));
    } catch (RuntimeException e) {
      watchers.forEach(FileWatcher::close);
      throw e;
    }
  }

  private OpenDatabase openAtStart(Path path, Role role) {
    try {
      OpenDatabase opened = open(path, role);
      LOG.info("Opened {}", describe(opened.info()));
      return opened;
    } catch (GeoDatabaseException e) {
      if (e.reason() == Reason.MISSING && settings.missingDatabase == MissingDatabase.UNKNOWN) {
        LOG.warn("{} Every lookup is unavailable (unknown) until it appears.", e.getMessage());
        return null;
      }
      throw e;
    }
  }

  private OpenDatabase open(Path path, Role role) {
    return OpenDatabase.open(path, role, settings.schema, settings.flatCountryField);
  }

  private Snapshot newSnapshot(OpenDatabase main, OpenDatabase anonymous) {
    boolean missing = main == null || (settings.anonymousDatabase != null && anonymous == null);
    long staleAt = Long.MAX_VALUE;
    if (main != null && settings.maxAge != null) {
      staleAt = main.info().buildTime().plus(settings.maxAge).toEpochMilli();
    }
    Cache<InetAddress, GeoResult> cache =
        settings.cacheSize == 0
            ? null
            : Caffeine.newBuilder().maximumSize(settings.cacheSize).recordStats().build();
    Snapshot snapshot =
        new Snapshot(
            main,
            anonymous,
            missing,
            staleAt,
            cache,
            cache == null ? null : new RecentLookups(settings.cacheSize),
            new AtomicBoolean(),
            new AtomicBoolean());
    if (main != null && snapshot.isStale(settings.clock.millis())) {
      warnStale(snapshot);
    }
    return snapshot;
  }

  /**
   * Looks up an address in the current database. Never throws for a miss or a failure: those are
   * {@link GeoResult.Status#NOT_FOUND} and {@link GeoResult.Status#UNAVAILABLE}.
   */
  @Override
  public GeoResult lookup(InetAddress address) {
    Objects.requireNonNull(address, "address");
    Snapshot snapshot = current.get();
    while (!closed) {
      try {
        return lookup(snapshot, address);
      } catch (ClosedDatabaseException e) {
        // The reader was retired after a reload (grace period over): a newer snapshot is in
        // place, so try that one. If there is none, this database was closed.
        Snapshot latest = current.get();
        if (latest == snapshot) {
          break;
        }
        snapshot = latest;
      }
    }
    return GeoResult.unavailable();
  }

  private GeoResult lookup(Snapshot snapshot, InetAddress address) throws ClosedDatabaseException {
    if (snapshot.missing) {
      return GeoResult.unavailable();
    }
    if (snapshot.staleAt != Long.MAX_VALUE && snapshot.isStale(settings.clock.millis())) {
      if (!snapshot.staleWarned.get()) {
        warnStale(snapshot);
      }
      if (settings.staleIsUnavailable) {
        return GeoResult.unavailable();
      }
    }
    RecentLookups recent = snapshot.recent;
    if (recent != null) {
      GeoResult known = recent.get(address);
      if (known != null) {
        return known;
      }
    }
    Cache<InetAddress, GeoResult> cache = snapshot.cache;
    if (cache != null) {
      GeoResult cached = cache.getIfPresent(address);
      if (cached != null) {
        recent.put(address, cached);
        return cached;
      }
    }
    GeoResult result;
    try {
      result = snapshot.main.lookupCountry(address);
      if (snapshot.anonymous != null) {
        Set<AnonymizerFlag> flags = snapshot.anonymous.lookupAnonymizer(address);
        if (!flags.isEmpty()) {
          Set<AnonymizerFlag> union = new HashSet<>(result.anonymizer());
          union.addAll(flags);
          result = result.withAnonymizer(union);
        }
      }
    } catch (ClosedDatabaseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // A damaged record: the caller is unknown rather than wrongly placed. Not cached.
      if (snapshot.readErrorLogged.compareAndSet(false, true)) {
        LOG.warn(
            "Looking up {} in {} failed; answering unavailable: {}",
            address.getHostAddress(),
            settings.database,
            e.toString());
      }
      return GeoResult.unavailable();
    }
    if (cache != null) {
      cache.put(address, result);
      recent.put(address, result);
    }
    return result;
  }

  private void warnStale(Snapshot snapshot) {
    if (snapshot.staleWarned.compareAndSet(false, true)) {
      LOG.warn(
          "{} is older than the maximum age {}{}.",
          describe(snapshot.main.info()),
          settings.maxAge,
          settings.staleIsUnavailable
              ? "; every lookup is unavailable (unknown) until it is updated"
              : "; update it");
    }
  }

  /**
   * Returns the provenance of the country database, with {@code stale} as of now; empty while the
   * database is missing (see {@link MissingDatabase#UNKNOWN}).
   */
  public Optional<DatabaseInfo> info() {
    Snapshot snapshot = current.get();
    if (snapshot.main == null) {
      return Optional.empty();
    }
    return Optional.of(snapshot.main.info().withStale(snapshot.isStale(settings.clock.millis())));
  }

  /** Returns the provenance of the anonymous-IP database, if one is configured and open. */
  public Optional<DatabaseInfo> anonymousInfo() {
    Snapshot snapshot = current.get();
    return Optional.ofNullable(snapshot.anonymous).map(OpenDatabase::info);
  }

  /** Returns true if the country database is open and not older than the maximum age. */
  public boolean healthy() {
    Snapshot snapshot = current.get();
    return !snapshot.missing && !snapshot.isStale(settings.clock.millis());
  }

  /** Returns cache counters summed over every database loaded so far; zeros without a cache. */
  public GeoCacheStats cacheStats() {
    Snapshot snapshot = current.get();
    CacheStats stats = retiredStats.get();
    long size = 0;
    long recentHits = retiredRecentHits.get();
    if (snapshot.cache != null) {
      stats = stats.plus(snapshot.cache.stats());
      recentHits += snapshot.recent.hits();
      size = snapshot.cache.estimatedSize();
    }
    return new GeoCacheStats(
        stats.hitCount() + recentHits, stats.missCount(), stats.evictionCount(), size);
  }

  /** Returns the error of the last failed reload, cleared by the next successful one. */
  public Optional<GeoDatabaseException> lastReloadError() {
    return Optional.ofNullable(lastReloadError.get());
  }

  /**
   * Reopens both databases now and swaps them in if they pass the checks.
   *
   * @throws GeoDatabaseException if a file is refused; the previous data keeps serving
   * @throws IllegalStateException if this database was closed
   */
  public void reload() {
    reload(Role.COUNTRY);
    if (settings.anonymousDatabase != null) {
      reload(Role.ANONYMOUS);
    }
  }

  private void reloadQuietly(Role role) {
    try {
      reload(role);
    } catch (GeoDatabaseException e) {
      // Already logged and kept in lastReloadError.
    }
  }

  private void reload(Role role) {
    synchronized (reloadLock) {
      if (closed) {
        throw new IllegalStateException("The GeoIP database was closed; build a new one.");
      }
      Path path = role == Role.COUNTRY ? settings.database : settings.anonymousDatabase;
      OpenDatabase opened;
      try {
        opened = open(path, role);
      } catch (GeoDatabaseException e) {
        lastReloadError.set(e);
        LOG.warn("Reload refused, still serving the previous data: {}", e.getMessage());
        throw e;
      }
      Snapshot old = current.get();
      OpenDatabase main = role == Role.COUNTRY ? opened : old.main;
      OpenDatabase anonymous = role == Role.ANONYMOUS ? opened : old.anonymous;
      current.set(newSnapshot(main, anonymous));
      lastReloadError.set(null);
      if (old.cache != null) {
        retiredStats.accumulateAndGet(old.cache.stats(), CacheStats::plus);
        retiredRecentHits.addAndGet(old.recent.hits());
      }
      retireLater(role == Role.COUNTRY ? old.main : old.anonymous);
      LOG.info("Reloaded {}", describe(opened.info()));
    }
  }

  private void retireLater(OpenDatabase old) {
    if (old == null) {
      return;
    }
    retiring.add(old);
    Consumer<OpenDatabase> closer =
        database -> {
          if (retiring.remove(database)) {
            database.close();
          }
        };
    CompletableFuture.runAsync(
        () -> closer.accept(old),
        CompletableFuture.delayedExecutor(settings.closeGrace.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Stops watching and closes the readers; later lookups answer unavailable. Idempotent. */
  @Override
  public void close() {
    synchronized (reloadLock) {
      if (closed) {
        return;
      }
      closed = true;
      watchers.forEach(FileWatcher::close);
      Snapshot snapshot = current.get();
      if (snapshot.main != null) {
        snapshot.main.close();
      }
      if (snapshot.anonymous != null) {
        snapshot.anonymous.close();
      }
      retiring.forEach(OpenDatabase::close);
      retiring.clear();
    }
  }

  private static String describe(DatabaseInfo info) {
    return info.databaseType()
        + " database "
        + info.path()
        + " (built "
        + info.buildTime()
        + ", schema "
        + info.schema()
        + ", sha256 "
        + info.sha256().substring(0, 12)
        + "…)";
  }

  /** One immutable generation of readers and their cache. */
  private record Snapshot(
      OpenDatabase main,
      OpenDatabase anonymous,
      boolean missing,
      long staleAt,
      Cache<InetAddress, GeoResult> cache,
      RecentLookups recent, // null exactly when cache is
      AtomicBoolean staleWarned,
      AtomicBoolean readErrorLogged) {

    boolean isStale(long nowMillis) {
      return nowMillis >= staleAt;
    }
  }

  /** The settings, copied from the builder at {@link Builder#build()}. */
  private record Settings(
      Path database,
      Path anonymousDatabase,
      Schema schema,
      String flatCountryField,
      long cacheSize,
      Duration maxAge,
      boolean staleIsUnavailable,
      MissingDatabase missingDatabase,
      Duration watchInterval,
      Clock clock,
      Duration closeGrace) {}

  /**
   * Settings of a {@link GeoDatabase}; each is validated when set. Defaults: schema AUTO, flat
   * field {@code country_code}, cache 100,000 addresses, maximum age 30 days (stale is only
   * reported), missing database FAIL, no watching, the system clock. Not thread-safe.
   */
  public static final class Builder {
    private Path database;
    private Path anonymousDatabase;
    private Schema schema = Schema.AUTO;
    private String flatCountryField = "country_code";
    private long cacheSize = 100_000;
    private Duration maxAge = Duration.ofDays(30);
    private boolean staleIsUnavailable;
    private MissingDatabase missingDatabase = MissingDatabase.FAIL;
    private Duration watchInterval = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private Duration closeGrace = CLOSE_GRACE;

    private Builder() {}

    /**
     * The country database (.mmdb): GeoIP2/GeoLite2 Country, City, Enterprise, DB-IP or flat.
     * Required.
     */
    public Builder database(Path database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** An optional GeoIP2 Anonymous IP database for anonymizer flags. */
    public Builder anonymousDatabase(Path anonymousDatabase) {
      this.anonymousDatabase = Objects.requireNonNull(anonymousDatabase, "anonymousDatabase");
      return this;
    }

    /** How country records are read; AUTO (default) detects from metadata and records. */
    public Builder schema(Schema schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Where a flat database keeps the country code: a key, or a dotted path into nested maps such
     * as {@code country.iso_code}. Default {@code country_code} (DB-IP-style, IPinfo Lite).
     */
    public Builder flatCountryField(String path) {
      Objects.requireNonNull(path, "path");
      if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
        throw new IllegalArgumentException(
            "Flat country field '"
                + path
                + "' is not a field path; expected a key such as country_code or a dotted path such as country.iso_code.");
      }
      this.flatCountryField = path;
      return this;
    }

    /** Maximum number of cached addresses; 0 turns the cache off. Default 100,000. */
    public Builder cacheSize(long cacheSize) {
      if (cacheSize < 0) {
        throw new IllegalArgumentException(
            "Cache size " + cacheSize + " is negative; expected 0 (no cache) or more.");
      }
      this.cacheSize = cacheSize;
      return this;
    }

    /** Age past the database's build time after which it is stale. Default 30 days. */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException(
            "Maximum age " + maxAge + " is not positive; expected e.g. P14D.");
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Never report the database stale. */
    public Builder noMaxAge() {
      this.maxAge = null;
      return this;
    }

    /**
     * If true, a stale database answers UNAVAILABLE so the policy's unknown section decides.
     * Default false.
     */
    public Builder staleIsUnavailable(boolean staleIsUnavailable) {
      this.staleIsUnavailable = staleIsUnavailable;
      return this;
    }

    /** What a missing file at start does. Default {@link MissingDatabase#FAIL}. */
    public Builder missingDatabase(MissingDatabase missingDatabase) {
      this.missingDatabase = Objects.requireNonNull(missingDatabase, "missingDatabase");
      return this;
    }

    /**
     * Poll the files for changes at this interval and reload; {@link Duration#ZERO} (default) is
     * off.
     */
    public Builder watch(Duration pollInterval) {
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.isNegative() || (!pollInterval.isZero() && pollInterval.toMillis() < 10)) {
        throw new IllegalArgumentException(
            "Poll interval " + pollInterval + " is not valid; expected 0 (off) or at least 10 ms.");
      }
      this.watchInterval = pollInterval;
      return this;
    }

    /** The clock for staleness; default the system UTC clock. For tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a replaced reader stays open for lookups in flight; tests shorten it. */
    Builder closeGrace(Duration closeGrace) {
      this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
      return this;
    }

    /**
     * Opens the databases and starts watching if configured.
     *
     * @throws IllegalStateException if no database was set
     * @throws GeoDatabaseException if a database is refused (a missing one only with {@link
     *     MissingDatabase#FAIL})
     */
    public GeoDatabase build() {
      if (database == null) {
        throw new IllegalStateException("No GeoIP database set; call database(path).");
      }
      GeoDatabase geo =
          new GeoDatabase(
              new Settings(
                  database,
                  anonymousDatabase,
                  schema,
                  flatCountryField,
                  cacheSize,
                  maxAge,
                  staleIsUnavailable,
                  missingDatabase,
                  watchInterval,
                  clock,
                  closeGrace));
      geo.start();
      return geo;
    }
  }
}
