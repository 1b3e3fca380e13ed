package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import java.util.Map;
import java.util.Set;

/**
 * The places a rule covers, regions expanded: {@code any} for {@code "*"}, country and subdivision
 * codes, the regions named directly or through other regions, and for each code the {@code where}
 * entry that brought it in (for messages). Immutable.
 */
record Where(
    boolean any,
    Set<String> countries,
    Set<String> subdivisions,
    Set<String> regions,
    Map<String, YamlNode.Scalar> via) {
  Where {
    countries = Set.copyOf(countries);
    subdivisions = Set.copyOf(subdivisions);
    regions = Set.copyOf(regions);
    via = Map.copyOf(via);
  }

  static final Where NOWHERE = new Where(false, Set.of(), Set.of(), Set.of(), Map.of());

  /** Whether a request from this place always matches this rule. */
  boolean coversCountry(String country) {
    return any || countries.contains(country);
  }

  boolean coversSubdivision(String subdivision) {
    return any
        || subdivisions.contains(subdivision)
        || countries.contains(Countries.countryOf(subdivision));
  }
}
