/**
 * The geo-fence as a Jakarta Servlet filter and an engine usable without one. The exported packages
 * are the API; everything under {@code dev.geofence.filter.internal} may change in any release. See
 * {@code docs/api.md} for what each package is for.
 */
module dev.geofence.filter {
  requires transitive dev.geofence.policy;
  requires transitive jakarta.servlet;
  requires com.maxmind.db;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires static micrometer.core;
  requires io.github.bucket4j.core;
  requires static io.github.bucket4j.lettuce;
  requires static io.github.bucket4j.redis.common;
  requires static lettuce.core;

  exports dev.geofence.filter;
  exports dev.geofence.filter.address;
  exports dev.geofence.filter.geo;
  exports dev.geofence.filter.audit;
  exports dev.geofence.filter.micrometer;
}
