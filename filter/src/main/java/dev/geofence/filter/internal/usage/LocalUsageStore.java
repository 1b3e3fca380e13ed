package dev.geofence.filter.internal.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts in this process: one Bucket4j bucket per key in a bounded Caffeine cache. A key's bucket
 * is forgotten after a window without requests (by then it would be full again anyway) or when the
 * cache is full and the key is among the least used. Used alone for {@code usage-store: local} and
 * as the fallback of a shared store.
 */
final class LocalUsageStore implements UsageStore {

  /** 0 from {@link #tryConsume} means allowed; anything else is the wait in nanoseconds. */
  static final long ALLOWED = 0;

  private final Cache<String, Limited> buckets;
  private final CountryTracker countries;
  private final TimeMeter time;

  LocalUsageStore(int maxKeys) {
    this(maxKeys, Ticker.systemTicker());
  }

  /** A store on {@code ticker}'s time, which the buckets, their expiry and the countries share. */
  LocalUsageStore(int maxKeys, Ticker ticker) {
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            // Each bucket lives for its own window after its last use.
            .expireAfter(Expiry.accessing((String key, Limited value) -> value.idle))
            .ticker(ticker)
            .build();
    this.countries = new CountryTracker(maxKeys, ticker);
    this.time =
        ticker == Ticker.systemTicker()
            ? TimeMeter.SYSTEM_NANOTIME
            : new TimeMeter() {
              @Override
              public long currentTimeNanos() {
                return ticker.read();
              }

              @Override
              public boolean isWallClockBased() {
                return false;
              }
            };
  }

  @Override
  public Verdict consume(String key, int requests, Duration window) {
    long wait = tryConsume(key, requests, window);
    return wait == ALLOWED ? Verdict.ALLOWED_LOCAL : Verdict.refused(wait, Counted.LOCAL);
  }

  /**
   * Counts one request; {@link #ALLOWED} or the nanoseconds until a token is back. The allowed path
   * allocates nothing once the key's bucket exists: a look-up and Bucket4j's lock-free consume.
   */
  long tryConsume(String key, int requests, Duration window) {
    Objects.requireNonNull(key, "key");
    long windowNanos = Limits.windowNanos(requests, window);
    Limited limited = buckets.getIfPresent(key);
    if (limited == null || !limited.matches(requests, windowNanos)) {
      // A new key, or a key whose rule changed its limit on reload: start a full bucket.
      Limited fresh = new Limited(requests, window, windowNanos, time);
      limited =
          buckets
              .asMap()
              .merge(key, fresh, (old, add) -> old.matches(requests, windowNanos) ? old : add);
    }
    if (limited.bucket.tryConsume(1)) {
      return ALLOWED;
    }
    // Refused: rare, so the second look at the bucket for the wait is affordable.
    return Math.max(1, limited.bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }

  @Override
  public Optional<List<String>> seen(
      String principalKey, String country, int threshold, Duration window) {
    return countries.seen(principalKey, country, threshold, window);
  }

  @Override
  public UsageStats stats() {
    return new UsageStats("local", true, 0, 0, Optional.empty(), Optional.empty());
  }

  /** The number of keys held now, after pending evictions; for tests of the bound. */
  long keys() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  /** The number of principals whose countries are held now; for tests of the bound. */
  long principals() {
    return countries.principals();
  }

  @Override
  public void close() {
    buckets.invalidateAll();
    countries.clear();
  }

  /** A bucket and the limit it was made for. */
  private static final class Limited {
    final int requests;
    final long windowNanos;
    final Duration idle; // windowNanos, made once: the expiry reads it on every use
    final Bucket bucket;

    Limited(int requests, Duration window, long windowNanos, TimeMeter time) {
      this.requests = requests;
      this.windowNanos = windowNanos;
      this.idle = Duration.ofNanos(windowNanos);
      this.bucket =
          Bucket.builder()
              .addLimit(Limits.bandwidth(requests, window))
              .withCustomTimePrecision(time)
              .build();
    }

    boolean matches(int requests, long windowNanos) {
      return this.requests == requests && this.windowNanos == windowNanos;
    }
  }
}
