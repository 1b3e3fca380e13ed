package dev.geofence.filter.internal.cache;

/**
 * Values kept by the identity of the object they were made from, so that the next request that
 * brings the very same object reuses them instead of making them again: the request path hands out
 * one object per repeat caller (its address, its {@code Screening}) for as long as nothing it
 * depends on changes, and a new one afterwards, which then finds nothing here. Identity, never
 * {@code equals}: one compare per look-up instead of comparing whole values, and a value is only
 * ever handed to the very object it was made from.
 *
 * <p>Set-associative and bounded ({@link FourWayTable}): memory stays at the slot count however
 * many keys pass. Thread-safe without locks: entries are immutable and a slot is one reference
 * write, so a reader sees a whole entry or an older one, and a lost write only costs the next
 * request the work it saves.
 *
 * @param <K> the object values are kept for, compared by identity
 * @param <V> the value made from it; immutable
 */
public final class IdentityMemo<K, V> {

  private record Entry<K, V>(K key, V value) {}

  private final FourWayTable<Entry<K, V>> table; // by the key's identity hash

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1 (a table has at least
   *     two sets)
   */
  public IdentityMemo(long size) {
    this.table = new FourWayTable<>(size);
  }

  /** The value kept for this very object, or null. */
  public V get(K key) {
    int h = System.identityHashCode(key);
    for (int i = 0; i < FourWayTable.PROBES; i++) {
      int slot = table.probe(h, i);
      if (slot < 0) {
        break;
      }
      Entry<K, V> e = table.candidate(slot, h);
      if (e != null && e.key == key) {
        return e.value;
      }
    }
    return null;
  }

  /** Keeps {@code value} for {@code key}, in place of an older value for it if it is found. */
  public void put(K key, V value) {
    int h = System.identityHashCode(key);
    for (int i = 0; i < FourWayTable.PROBES; i++) {
      int slot = table.probe(h, i);
      if (slot < 0) {
        break;
      }
      Entry<K, V> e = table.candidate(slot, h);
      if (e != null && e.key == key) {
        table.replace(slot, h, new Entry<>(key, value));
        return;
      }
    }
    table.put(h, new Entry<>(key, value));
  }

  /** The number of slots: the most entries the memo ever keeps. */
  public int capacity() {
    return table.size();
  }
}
