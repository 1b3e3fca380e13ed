package dev.geofence.filter.geo;

/**
 * Counters of the lookup cache since the database was built, summed over reloads. Immutable.
 *
 * @param hits lookups answered from the cache
 * @param misses lookups that went to the database
 * @param evictions entries dropped because the cache was full
 * @param size entries in the cache now (approximate)
 */
public record GeoCacheStats(long hits, long misses, long evictions, long size) {

  /** Returns hits / (hits + misses), or 0 if there were no lookups. */
  public double hitRate() {
    long requests = hits + misses;
    return requests == 0 ? 0.0 : (double) hits / requests;
  }
}
