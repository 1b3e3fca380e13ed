package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The read-only Actuator endpoint {@code geofence} ({@code GET /actuator/geofence} once exposed
 * with {@code management.endpoints.web.exposure.include}): the policy, the databases, cache
 * statistics, decision counts and audit counters, as the demo server's {@code /geofence/status}.
 * Thread-safe; reads snapshots.
 */
@Endpoint(id = "geofence")
public class GeofenceEndpoint {

  private final GeofenceFilter filter;

  /** The endpoint of this running filter. */
  public GeofenceEndpoint(GeofenceFilter filter) {
    this.filter = Objects.requireNonNull(filter, "filter");
  }

  /** The status document. */
  @ReadOperation
  public Map<String, Object> status() {
    return StatusDocument.of(filter);
  }
}
