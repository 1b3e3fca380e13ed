package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.cache.FourWayTable;
import dev.geofence.filter.internal.cache.IdentityMemo;
import dev.geofence.policy.Policy;
import java.util.Objects;

/**
 * Screenings already made, so that the next request of the same caller for the same model under the
 * same policy gets the same immutable {@link Screening} without evaluating or allocating.
 *
 * <p>An entry is found by the identity of its inputs: the {@link ClientAddress} and {@link
 * GeoResult} (the address resolver and the look-up cache hand out the same objects for a repeated
 * caller, and new ones once a database or cache entry changes), the policy snapshot (a reload makes
 * a new one), the model id by value, and the stretch of time in which no rule of the policy starts
 * or ends. Whatever changes any of them misses, so a hit is always the answer a fresh evaluation
 * would give.
 *
 * <p>Set-associative and bounded ({@link FourWayTable}), like {@code KnownAddresses}. Thread-safe
 * without locks: entries are immutable and a slot is one reference write.
 */
final class Screenings {

  private record Entry(
      ClientAddress caller,
      GeoResult geo,
      Policy policy,
      String model,
      boolean highest,
      long from,
      long until,
      Screening screening) {}

  private final FourWayTable<Entry> table; // by hash(caller, model)

  /**
   * A memo of values made from one screening alone (a block's rendered refusal, a record's
   * sentence), as large as the screening cache of these settings, or null when that cache is off:
   * no screening is then handed out twice, so a memo would only be written. {@link IdentityMemo}
   * finds a value by the screening's identity, which this cache keeps for a repeat caller.
   */
  static <V> IdentityMemo<Screening, V> memo(GeofenceSettings settings) {
    // The bound the engine puts on this cache: more slots than screenings kept is waste.
    long size = Math.min(settings.cacheSize(), 1 << 16);
    return size == 0 ? null : new IdentityMemo<>(size);
  }

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1 (a table has at least
   *     two sets)
   */
  Screenings(int size) {
    this.table = new FourWayTable<>(size);
  }

  /**
   * The screening made earlier for exactly these inputs at a time that decides the same, or null.
   *
   * @param model the model id, or null for a request that names none
   * @param highest whether the request is decided as one for the policy's highest tier
   */
  Screening get(
      ClientAddress caller,
      GeoResult geo,
      Policy policy,
      String model,
      boolean highest,
      long epochSecond) {
    int h = hash(caller, model);
    for (int i = 0; i < FourWayTable.PROBES; i++) {
      int slot = table.probe(h, i);
      if (slot < 0) {
        break;
      }
      Entry e = table.candidate(slot, h);
      if (matches(e, caller, geo, policy, model, highest, epochSecond)) {
        return e.screening;
      }
    }
    return null;
  }

  private static boolean matches(
      Entry e,
      ClientAddress caller,
      GeoResult geo,
      Policy policy,
      String model,
      boolean highest,
      long epochSecond) {
    return e != null
        && e.caller == caller
        && e.geo == geo
        && e.policy == policy
        && e.highest == highest
        && epochSecond >= e.from
        && epochSecond < e.until
        && Objects.equals(e.model, model);
  }

  void put(String model, boolean highest, Screening screening) {
    ClientAddress caller = screening.caller();
    Policy policy = screening.policy();
    table.put(
        hash(caller, model),
        new Entry(
            caller,
            screening.geo(),
            policy,
            model,
            highest,
            policy.unchangedFrom(screening.at()),
            policy.unchangedUntil(screening.at()),
            screening));
  }

  private static int hash(ClientAddress caller, String model) {
    // The model's hash too: one caller asking for several models takes several sets.
    return System.identityHashCode(caller) * 31 + (model == null ? 0 : model.hashCode());
  }
}
