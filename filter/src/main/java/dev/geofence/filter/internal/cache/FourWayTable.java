package dev.geofence.filter.internal.cache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The slots of a bounded, lock-free, four-way set-associative cache, for the request path's tables
 * of things seen lately (known address texts, screenings, look-ups): each hash picks a set of four
 * neighbouring slots, and a new entry takes a free slot of its set or overwrites a random one.
 *
 * <p>Why four ways, Fibonacci hashing and a random victim: with one or two ways a table a third
 * full lost one entry in four to collisions; masking the hashes of neighbouring addresses, which
 * differ in small steps, crowded a few sets; and a victim chosen by hash made two entries that
 * picked the same slot evict each other forever.
 *
 * <p>Beside the slots, a parallel array holds each entry's hash, so a look-up compares the four
 * hashes of its set (one cache line) and reads only an entry whose hash matches: with hundreds of
 * request threads and tens of thousands of callers, entries are seldom in the processor's cache,
 * and reading all four to find one cost four misses. The hash is a filter only: the user compares
 * the entry itself, so a hash written apart from its entry by a concurrent {@link #put} costs a
 * miss, never a wrong answer. Entries must be immutable (or safe to publish by a plain write).
 *
 * <pre>{@code
 * int set = table.set(h);
 * for (int way = 0; way < FourWayTable.WAYS; way++) {
 *   Entry e = table.candidate(set, way, h);
 *   if (e != null && e.matches(key)) return e;
 * }
 * }</pre>
 */
public final class FourWayTable<E> {

  /** Slots per set: a set is {@code set ^ 0..3}. */
  public static final int WAYS = 4;

  private final Object[] slots;
  private final int[] hashes;
  private final int shift; // 32 - log2(slots): set() keeps the top bits of the mixed hash

  /**
   * @param size the number of slots, rounded up to a power of two, between 8 and 2^20
   */
  public FourWayTable(long size) {
    int n = Integer.highestOneBit((int) Math.max(WAYS, Math.min(size, 1 << 20) - 1)) << 1;
    this.slots = new Object[Math.min(n, 1 << 20)];
    this.hashes = new int[slots.length];
    this.shift = 32 - Integer.numberOfTrailingZeros(slots.length);
  }

  /** The first slot of the set of hash {@code h}. */
  public int set(int h) {
    // Fibonacci hashing: the top bits of the product by 2^32 / phi depend on every bit of h.
    return (h * 0x9E3779B9) >>> shift;
  }

  /** The entry in way {@code way} of {@code set} when its hash is {@code h}; otherwise null. */
  @SuppressWarnings("unchecked")
  public E candidate(int set, int way, int h) {
    int slot = set ^ way;
    return hashes[slot] == h ? (E) slots[slot] : null;
  }

  /** Keeps {@code entry} under hash {@code h}: in a free slot of its set, or over a random one. */
  public void put(int h, E entry) {
    int set = set(h);
    int slot = -1;
    for (int way = 0; way < WAYS && slot < 0; way++) {
      if (slots[set ^ way] == null) {
        slot = set ^ way;
      }
    }
    slot = slot >= 0 ? slot : set ^ ThreadLocalRandom.current().nextInt(WAYS);
    hashes[slot] = h;
    slots[slot] = entry;
  }

  /**
   * Overwrites way {@code way} of {@code set} (a slot found holding the same key) with {@code
   * entry}.
   */
  public void replace(int set, int way, int h, E entry) {
    int slot = set ^ way;
    hashes[slot] = h;
    slots[slot] = entry;
  }

  /** The number of slots. */
  public int size() {
    return slots.length;
  }
}
