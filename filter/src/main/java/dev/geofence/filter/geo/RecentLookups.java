package dev.geofence.filter.geo;

import dev.geofence.filter.internal.cache.FourWayTable;
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
 * <p>Four-way set-associative and bounded ({@link FourWayTable}), like the resolver's table of
 * known addresses. Thread-safe without locks: entries are immutable and a slot is one reference
 * write, so a race costs a miss, never a wrong answer.
 */
final class RecentLookups {

  private record Entry(InetAddress address, GeoResult result) {}

  private final FourWayTable<Entry> table; // by the address's identity hash
  private final LongAdder hits = new LongAdder();

  /**
   * @param size the number of slots, rounded up to a power of two, at most 65,536
   */
  RecentLookups(long size) {
    this.table = new FourWayTable<>(Math.min(size, 1 << 16));
  }

  /** The answer kept for this very address object, or null; counts a hit. */
  GeoResult get(InetAddress address) {
    int h = System.identityHashCode(address);
    int set = table.set(h);
    for (int way = 0; way < FourWayTable.WAYS; way++) {
      Entry e = table.candidate(set, way, h);
      if (e != null && e.address == address) {
        hits.increment();
        return e.result;
      }
    }
    return null;
  }

  /** Keeps the snapshot's answer for this address object. */
  void put(InetAddress address, GeoResult result) {
    table.put(System.identityHashCode(address), new Entry(address, result));
  }

  /** How many look-ups were answered here: cache hits Caffeine did not see. */
  long hits() {
    return hits.sum();
  }
}
