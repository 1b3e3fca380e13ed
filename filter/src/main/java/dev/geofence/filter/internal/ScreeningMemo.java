package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Values made from one {@link Screening} alone, kept by the screening's identity, so that the next
 * request answered with the same screening reuses them instead of making them again. {@link
 * Screenings} hands a repeat caller the same object for as long as its caller, look-up, policy
 * snapshot and time window stay the same; whatever changes any of them makes a new screening, and
 * so a miss here. Identity, never {@code equals}: one compare instead of comparing whole decisions
 * and policies on every look-up, and a value is only ever handed to the very object it was made
 * from.
 *
 * <p>Four-way set-associative and bounded, like {@code Screenings} and {@code KnownAddresses}: a
 * new entry takes a free slot of its set of four or overwrites a random one, so memory stays at the
 * slot count however many screenings pass. Thread-safe without locks: entries are immutable and a
 * slot is one reference write, so a reader sees a whole entry or an older one, and a lost write
 * only costs the next request the work it saves.
 *
 * @param <V> the value made from a screening; immutable
 */
final class ScreeningMemo<V> {

  private record Entry<V>(Screening screening, V value) {}

  /** Slots per set: a set is four neighbouring slots, {@code index ^ 0..3}. */
  private static final int WAYS = 4;

  private final Entry<V>[] slots;
  private final int shift; // 32 - log2(slots): index() keeps the top bits of the mixed hash

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1 (a table has at least
   *     two sets)
   */
  @SuppressWarnings("unchecked")
  ScreeningMemo(int size) {
    int n = Integer.highestOneBit(Math.max(WAYS, size - 1)) << 1;
    this.slots = (Entry<V>[]) new Entry<?>[Math.min(n, 1 << 20)];
    this.shift = 32 - Integer.numberOfTrailingZeros(slots.length);
  }

  /**
   * A memo as large as the screening cache of these settings, or null when that cache is off: no
   * screening is then handed out twice, so a memo would only be written.
   */
  static <V> ScreeningMemo<V> sizedFor(GeofenceSettings settings) {
    // The bound the engine puts on its screening cache: more slots than screenings kept is waste.
    long size = Math.min(settings.cacheSize(), 1 << 16);
    return size == 0 ? null : new ScreeningMemo<>((int) size);
  }

  /** The value kept for this very screening object, or null. */
  V get(Screening screening) {
    int i = index(screening);
    for (int way = 0; way < WAYS; way++) {
      Entry<V> e = slots[i ^ way];
      if (e != null && e.screening == screening) {
        return e.value;
      }
    }
    return null;
  }

  /**
   * Keeps {@code value} for {@code screening}, in place of an older value for it if it is found.
   */
  void put(Screening screening, V value) {
    int i = index(screening);
    int slot = -1;
    for (int way = 0; way < WAYS; way++) {
      Entry<V> e = slots[i ^ way];
      if (e == null || e.screening == screening) {
        slot = i ^ way;
        break;
      }
    }
    if (slot < 0) {
      // A full set: a random victim, so that screenings that crowd one set take turns.
      slot = i ^ ThreadLocalRandom.current().nextInt(WAYS);
    }
    slots[slot] = new Entry<>(screening, value);
  }

  /** The number of slots: the most entries the memo ever keeps. */
  int capacity() {
    return slots.length;
  }

  private int index(Screening screening) {
    // Fibonacci hashing, as in Screenings: identity hashes are spread over the top bits.
    return (System.identityHashCode(screening) * 0x9E3779B9) >>> shift;
  }
}
