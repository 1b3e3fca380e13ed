/**
 * The region policy as a self-contained HTML report of world maps, one per model tier, for the
 * people who sign a policy off. See {@code docs/policy-map.md}.
 */
module dev.geofence.policy.map {
  requires transitive dev.geofence.policy;
  requires com.fasterxml.jackson.core;

  exports dev.geofence.policy.map;
}
