package dev.geofence.filter.geo;

import dev.geofence.filter.internal.cache.IdentityMemo;
import java.net.InetAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * The answers of one database snapshot for the address objects looked up lately, found by the
 * identity of the {@link InetAddress}: the resolver hands out the same object for a repeated
 * caller, so a repeated caller is answered from here without asking the Caffeine cache behind it.
 *
 * <p>Why in front of Caffeine: a Caffeine read hashes the address, walks its map, and records the
 * read in its buffers and frequency sketch for the eviction policy. On a server with hundreds of
 * request threads and tens of thousands of callers, those are a handful of memory reads and writes
 * that are seldom in the processor's cache. Here a hit reads one line of hashes, one slot and one
 * entry. Caffeine stays the cache that is bounded by {@code cache-size} and sees every new address
 * object; an answer here is the answer Caffeine gave (or would give: both hold only answers of the
 * same immutable snapshot), so which of the two answers does not change the result.
 *
 * <p>Bounded and lock-free: an {@link IdentityMemo}, so a race costs a miss, never a wrong answer.
 */
final class RecentLookups {

  private final IdentityMemo<InetAddress, GeoResult> answers;
  private final LongAdder hits = new LongAdder();

  /**
   * @param size the number of slots, rounded up to a power of two, at most 65,536
   */
  RecentLookups(long size) {
    this.answers = new IdentityMemo<>(Math.min(size, 1 << 16));
  }

  /** The answer kept for this very address object, or null; counts a hit. */
  GeoResult get(InetAddress address) {
    GeoResult known = answers.get(address);
    if (known != null) {
      hits.increment();
    }
    return known;
  }

  /** Keeps the snapshot's answer for this address object. */
  void put(InetAddress address, GeoResult result) {
    answers.put(address, result);
  }

  /** How many look-ups were answered here: cache hits Caffeine did not see. */
  long hits() {
    return hits.sum();
  }
}
