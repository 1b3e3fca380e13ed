package dev.geofence.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link GeofenceConfigurationException} anywhere in a startup failure into Boot's
 * "APPLICATION FAILED TO START" description and action, both naming the property, instead of a
 * stack trace. Registered in {@code META-INF/spring.factories}.
 */
final class GeofenceFailureAnalyzer
    extends AbstractFailureAnalyzer<GeofenceConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, GeofenceConfigurationException cause) {
    return new FailureAnalysis(
        "The geo-fence could not start. " + cause.getMessage(), cause.action(), cause);
  }
}
