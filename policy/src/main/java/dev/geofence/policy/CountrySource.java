package dev.geofence.policy;

import java.util.Locale;

/**
 * Which country of a look-up a rule tests; a policy's {@code country-source} lists one or more.
 * Subdivisions belong to the {@link #LOCATION} country and are tested only when it is listed.
 */
public enum CountrySource {
  /** Where the address is: {@link Origin#country()}. */
  LOCATION,
  /** Where the address block is registered: {@link Origin#registeredCountry()}. */
  REGISTERED,
  /** The country a military base or embassy represents: {@link Origin#representedCountry()}. */
  REPRESENTED;

  /** The word used in policy files: {@code location}, {@code registered}, {@code represented}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  String of(Origin origin) {
    switch (this) {
      case LOCATION:
        return origin.country();
      case REGISTERED:
        return origin.registeredCountry();
      default:
        return origin.representedCountry();
    }
  }
}
