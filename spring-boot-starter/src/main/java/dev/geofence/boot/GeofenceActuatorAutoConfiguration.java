package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.micrometer.GeofenceMetrics;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the geo-fence offers Actuator and Micrometer when they are on the class path: the {@code
 * geofence} health contributor (Boot 3 and Boot 4 each get theirs: Boot 4 moved the health API to
 * another package), the read-only {@code geofence} endpoint, and the filter's meters as a {@code
 * MeterBinder}, which Boot binds to the application's registry.
 */
@AutoConfiguration(after = GeofenceAutoConfiguration.class)
@ConditionalOnBean(GeofenceFilter.class)
public class GeofenceActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    GeofenceMetrics geofenceMetrics(GeofenceFilter geofence) {
      return GeofenceMetrics.of(geofence);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
  @ConditionalOnProperty(
      name = "management.health.geofence.enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot3Health {

    @Bean
    @ConditionalOnMissingBean(name = "geofenceHealthIndicator")
    Boot3HealthIndicator geofenceHealthIndicator(GeofenceFilter geofence) {
      return new Boot3HealthIndicator(geofence);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
  @ConditionalOnProperty(
      name = "management.health.geofence.enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Boot4Health {

    @Bean
    @ConditionalOnMissingBean(name = "geofenceHealthIndicator")
    Boot4HealthIndicator geofenceHealthIndicator(GeofenceFilter geofence) {
      return new Boot4HealthIndicator(geofence);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  @ConditionalOnAvailableEndpoint(endpoint = GeofenceEndpoint.class)
  static class Endpoint {

    @Bean
    @ConditionalOnMissingBean
    GeofenceEndpoint geofenceEndpoint(GeofenceFilter geofence) {
      return new GeofenceEndpoint(geofence);
    }
  }
}
