package dev.geofence.filter.internal.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The countries each principal was seen from, in this process: a bounded cache of small maps
 * (country to when it was last seen), each forgotten after a window without sightings.
 */
final class CountryTracker {

  private final Cache<String, Sightings> principals;
  private final Ticker ticker;

  CountryTracker(int maxPrincipals, Ticker ticker) {
    this.ticker = ticker;
    this.principals =
        Caffeine.newBuilder()
            .maximumSize(maxPrincipals)
            .expireAfter(new IdleForWindow())
            .ticker(ticker)
            .build();
  }

  Optional<List<String>> seen(String principalKey, String country, int threshold, Duration window) {
    Objects.requireNonNull(principalKey, "principalKey");
    Objects.requireNonNull(country, "country");
    if (threshold < 1) {
      throw new IllegalArgumentException("an alert needs at least 1 country, got " + threshold);
    }
    long windowNanos = Limits.positive(window);
    Sightings sightings = principals.get(principalKey, k -> new Sightings(windowNanos));
    Optional<List<String>> crossed = sightings.add(country, ticker.read(), threshold, windowNanos);
    // Re-insert so the entry's idle time restarts with this sighting's window.
    principals.put(principalKey, sightings);
    return crossed;
  }

  long principals() {
    principals.cleanUp();
    return principals.estimatedSize();
  }

  void clear() {
    principals.invalidateAll();
  }

  /** One principal's countries. Guarded by its own monitor: only that principal's requests meet. */
  private static final class Sightings {
    private final Map<String, Long> lastSeen = new HashMap<>(4);
    private volatile long windowNanos;

    Sightings(long windowNanos) {
      this.windowNanos = windowNanos;
    }

    synchronized Optional<List<String>> add(String country, long now, int threshold, long window) {
      this.windowNanos = window;
      lastSeen.values().removeIf(seen -> now - seen >= window);
      int before = lastSeen.size();
      lastSeen.put(country, now);
      int after = lastSeen.size();
      if (before < threshold && after >= threshold) {
        List<String> sorted = new ArrayList<>(lastSeen.keySet());
        sorted.sort(null);
        return Optional.of(List.copyOf(sorted));
      }
      return Optional.empty();
    }
  }

  private static final class IdleForWindow implements Expiry<String, Sightings> {
    @Override
    public long expireAfterCreate(String key, Sightings value, long currentTime) {
      return value.windowNanos;
    }

    @Override
    public long expireAfterUpdate(
        String key, Sightings value, long currentTime, long currentDuration) {
      return value.windowNanos;
    }

    @Override
    public long expireAfterRead(
        String key, Sightings value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
