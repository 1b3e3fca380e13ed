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
            // Forgotten a window after the last sighting; looking a principal up is no sighting.
            .expireAfter(Expiry.writing((String key, Sightings value) -> value.window))
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
    Sightings sightings = principals.get(principalKey, k -> new Sightings(window));
    Optional<List<String>> crossed =
        sightings.add(country, ticker.read(), threshold, window, windowNanos);
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
    // The window of the latest sighting: how long the entry is kept after it.
    private volatile Duration window;

    Sightings(Duration window) {
      this.window = window;
    }

    synchronized Optional<List<String>> add(
        String country, long now, int threshold, Duration window, long windowNanos) {
      this.window = window;
      lastSeen.values().removeIf(seen -> now - seen >= windowNanos);
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
}
