/**
 * The region policy: its YAML format, strict validation with file:line:col errors, evaluation,
 * explanation, diff and policy tests. Pure Java; no YAML type appears in the API. See {@code
 * docs/policy.md}.
 */
module dev.geofence.policy {
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.slf4j;

  exports dev.geofence.policy;
}
