package dev.geofence.filter.geo;

import java.net.InetAddress;

/**
 * Resolves an address to where it is: country, registered and represented country, subdivisions and
 * anonymizer flags.
 *
 * <p>Implementations are thread-safe. A lookup never resolves host names and never throws for an
 * address that is not in the data: that is {@link GeoResult.Status#NOT_FOUND}. When the data cannot
 * be consulted (missing or stale database, read error) the result is {@link
 * GeoResult.Status#UNAVAILABLE}, so the policy's {@code unknown} section decides.
 */
public interface GeoLookup {

  /**
   * Looks up one address.
   *
   * @param address an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses find the IPv4 data
   * @return the result, never null
   * @throws NullPointerException if the address is null
   */
  GeoResult lookup(InetAddress address);
}
