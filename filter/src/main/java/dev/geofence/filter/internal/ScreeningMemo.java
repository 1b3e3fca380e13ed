package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.internal.cache.FourWayTable;

/**
 * Values made from one {@link Screening} alone, kept by the screening's identity, so that the next
 * request answered with the same screening reuses them instead of making them again. {@link
 * Screenings} hands a repeat caller the same object for as long as its caller, look-up, policy
 * snapshot and time window stay the same; whatever changes any of them makes a new screening, and
 * so a miss here. Identity, never {@code equals}: one compare instead of comparing whole decisions
 * and policies on every look-up, and a value is only ever handed to the very object it was made
 * from.
 *
 * <p>Four-way set-associative and bounded ({@link FourWayTable}), like {@code Screenings}: memory
 * stays at the slot count however many screenings pass. Thread-safe without locks: entries are
 * immutable and a slot is one reference write, so a reader sees a whole entry or an older one, and
 * a lost write only costs the next request the work it saves.
 *
 * @param <V> the value made from a screening; immutable
 */
final class ScreeningMemo<V> {

  private record Entry<V>(Screening screening, V value) {}

  private final FourWayTable<Entry<V>> table; // by the screening's identity hash

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1 (a table has at least
   *     two sets)
   */
  ScreeningMemo(int size) {
    this.table = new FourWayTable<>(size);
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
    int h = System.identityHashCode(screening);
    int set = table.set(h);
    for (int way = 0; way < FourWayTable.WAYS; way++) {
      Entry<V> e = table.candidate(set, way, h);
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
    int h = System.identityHashCode(screening);
    int set = table.set(h);
    for (int way = 0; way < FourWayTable.WAYS; way++) {
      Entry<V> e = table.candidate(set, way, h);
      if (e != null && e.screening == screening) {
        table.replace(set, way, h, new Entry<>(screening, value));
        return;
      }
    }
    table.put(h, new Entry<>(screening, value));
  }

  /** The number of slots: the most entries the memo ever keeps. */
  int capacity() {
    return table.size();
  }
}
