/**
 * Writes MaxMind DB ({@code .mmdb}) files, for tests and the demo: databases made from address
 * ranges in the repository, never downloaded ones. See {@code docs/geoip.md}.
 */
module dev.geofence.mmdb {
  exports dev.geofence.mmdb;
}
