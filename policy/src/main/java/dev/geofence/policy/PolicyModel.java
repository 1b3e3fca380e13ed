package dev.geofence.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A policy as loaded and validated, before its decision tables are built. Immutable.
 *
 * @param substitutes per tier rank, the model that replaces that tier, if any
 * @param modelIdPattern the policy's narrowing of the model id grammar, if it has one
 * @param regions each region by name, in file order, with its members: countries then subdivisions,
 *     other regions expanded
 */
record PolicyModel(
    String file,
    String id,
    String version,
    List<CountrySource> sources,
    List<Tier> tiers,
    int unlistedTier,
    List<Optional<String>> substitutes,
    List<RuleDef> rules,
    RuleDef unknown,
    Optional<RuleDef> anonymous,
    Optional<ModelIdPattern> modelIdPattern,
    Map<String, List<String>> regions) {

  PolicyModel {
    sources = List.copyOf(sources);
    tiers = List.copyOf(tiers);
    substitutes = List.copyOf(substitutes);
    rules = List.copyOf(rules);
    // Map.copyOf would lose the file order that coverage reports follow.
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
  }

  /**
   * Rank of the first tier whose pattern matches; the unlisted tier when none does. Allocates
   * nothing.
   */
  int tierOf(String model) {
    return Tier.rankOf(tiers, model, unlistedTier);
  }
}
