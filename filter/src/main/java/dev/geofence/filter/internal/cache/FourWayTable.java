package dev.geofence.filter.internal.cache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The slots of a bounded, lock-free, four-way set-associative cache with two choices of set, for
 * the request path's tables of things seen lately (known address texts, screenings, look-ups): each
 * hash names two sets of four neighbouring slots; a new entry takes a free slot of its first set,
 * else of its second, else overwrites a random one of the eight.
 *
 * <p>Why four ways, Fibonacci hashing and a random victim: with one or two ways a table a third
 * full lost one entry in four to collisions; masking the hashes of neighbouring addresses, which
 * differ in small steps, crowded a few sets; and a victim chosen by hash made two entries that
 * picked the same slot evict each other forever.
 *
 * <p>Why a second set: with one, a table under a third full still had sets that five or more of its
 * keys hashed to, and those keys evicted each other on every request for as long as they were used:
 * 20,000 repeat callers in 65,536 slots missed about one look-up in a hundred per table, and each
 * miss made new objects that the next young collections copied until they were old (pauses of 6 –
 * 28 ms where 5,000 callers had 2 ms). With a second set, a key only overflows when both of its
 * sets are full. A look-up reads the second set only when the first is full, which a table well
 * below its size seldom has: slots are never emptied, so a first set with a free slot never
 * overflowed.
 *
 * <p>Beside the slots, a parallel array holds each entry's hash, so a look-up compares the four
 * hashes of a set (one cache line) and reads only an entry whose hash matches: with hundreds of
 * request threads and tens of thousands of callers, entries are seldom in the processor's cache,
 * and reading all four to find one cost four misses. The hash is a filter only: the user compares
 * the entry itself, so a hash written apart from its entry by a concurrent {@link #put} costs a
 * miss, never a wrong answer. Entries must be immutable (or safe to publish by a plain write).
 *
 * <pre>{@code
 * for (int i = 0; i < FourWayTable.PROBES; i++) {
 *   int slot = table.probe(h, i);
 *   if (slot < 0) break;
 *   Entry e = table.candidate(slot, h);
 *   if (e != null && e.matches(key)) return e;
 * }
 * }</pre>
 */
public final class FourWayTable<E> {

  /** Slots per set: a set is {@code set ^ 0..3}. */
  public static final int WAYS = 4;

  /** The slots a key may be in: the ways of its first set, then those of its second. */
  public static final int PROBES = 2 * WAYS;

  private final Object[] slots;
  // Each slot's entry's hash with the lowest bit set, so that 0 marks a slot never written.
  private final int[] hashes;
  private final int shift; // 32 - log2(slots): a set is the top bits of a mixed hash

  /**
   * @param size the number of slots, rounded up to a power of two, between 8 and 2^20
   */
  public FourWayTable(long size) {
    int n = Integer.highestOneBit((int) Math.max(WAYS, Math.min(size, 1 << 20) - 1)) << 1;
    this.slots = new Object[Math.min(n, 1 << 20)];
    this.hashes = new int[slots.length];
    this.shift = 32 - Integer.numberOfTrailingZeros(slots.length);
  }

  /**
   * The slot of probe {@code i} (0 to {@link #PROBES} - 1) for hash {@code h}, or -1 when no entry
   * of that hash can be in this or a later probe's slot: the caller stops there.
   */
  public int probe(int h, int i) {
    if (i < WAYS) {
      return first(h) ^ i;
    }
    if (i == WAYS && free(first(h)) >= 0) {
      return -1;
    }
    return second(h) ^ (i - WAYS);
  }

  /** The entry in {@code slot} when its hash is {@code h}; otherwise null. */
  @SuppressWarnings("unchecked")
  public E candidate(int slot, int h) {
    return hashes[slot] == stored(h) ? (E) slots[slot] : null;
  }

  /** Keeps {@code entry} under hash {@code h}: in a free slot of its sets, or over a random one. */
  public void put(int h, E entry) {
    int first = first(h);
    int slot = free(first);
    if (slot < 0) {
      int second = second(h);
      slot = free(second);
      if (slot < 0) {
        int victim = ThreadLocalRandom.current().nextInt(PROBES);
        slot = (victim < WAYS ? first : second) ^ (victim & (WAYS - 1));
      }
    }
    replace(slot, h, entry);
  }

  /** Overwrites {@code slot} (one found holding the same key) with {@code entry}. */
  public void replace(int slot, int h, E entry) {
    hashes[slot] = stored(h);
    slots[slot] = entry;
  }

  /** The number of slots. */
  public int size() {
    return slots.length;
  }

  /** Fibonacci hashing: the top bits of the product by 2^32 / phi depend on every bit of h. */
  private int first(int h) {
    return (h * 0x9E3779B9) >>> shift;
  }

  /** A set chosen independently of {@link #first}: Murmur3's finalizer, then the top bits. */
  private int second(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h >>> shift;
  }

  /** A never-written slot of {@code set}, or -1. */
  private int free(int set) {
    for (int way = 0; way < WAYS; way++) {
      if (hashes[set ^ way] == 0) {
        return set ^ way;
      }
    }
    return -1;
  }

  private static int stored(int h) {
    return h | 1;
  }
}
