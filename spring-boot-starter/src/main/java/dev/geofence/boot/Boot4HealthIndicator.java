package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import java.time.Clock;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** The {@code geofence} health contributor on Boot 4 (package {@code ...health.contributor}). */
final class Boot4HealthIndicator extends AbstractHealthIndicator {

  private final GeofenceFilter filter;

  Boot4HealthIndicator(GeofenceFilter filter) {
    super("The geo-fence's status could not be read");
    this.filter = filter;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    StatusDocument.Health health = StatusDocument.health(filter, Clock.systemUTC());
    (health.up() ? builder.up() : builder.down()).withDetails(health.details());
  }
}
