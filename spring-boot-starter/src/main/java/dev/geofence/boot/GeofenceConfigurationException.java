package dev.geofence.boot;

import java.util.Objects;

/**
 * A {@code geofence.*} property (or a Boot property the geo-fence depends on) that keeps the
 * application from starting. {@link GeofenceFailureAnalyzer} turns it into Boot's "APPLICATION
 * FAILED TO START" report, naming the property.
 */
final class GeofenceConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  GeofenceConfigurationException(String property, String message, String action, Throwable cause) {
    super(property + ": " + message, cause);
    this.property = Objects.requireNonNull(property, "property");
    this.action = Objects.requireNonNull(action, "action");
  }

  /** The property to change, e.g. {@code geofence.policy-file}. */
  String property() {
    return property;
  }

  /** What to do about it: one sentence or two. */
  String action() {
    return action;
  }
}
