package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.GeofenceFilter;
import jakarta.servlet.Filter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the starter registers the filter, and when the application's own beans win. */
class RegistrationTest {

  @TempDir Path dir;

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistration {
    @Bean
    FilterRegistrationBean<Filter> geofenceFilter() {
      return new FilterRegistrationBean<>((request, response, chain) -> {});
    }
  }

  private ConfigurableApplicationContext run(Class<?> extra, String... properties) {
    return new SpringApplicationBuilder(ModelApplication.class, extra)
        .properties("server.port=0", "geofence.audit.enabled=false")
        .properties("geofence.policy-file=" + Fixtures.policy(dir))
        .properties("geofence.geoip.database=" + Fixtures.database(dir, "GeoLite2-Country"))
        .properties(properties)
        .run();
  }

  @Test
  void anApplicationBeanNamedGeofenceFilterReplacesTheRegistration() {
    try (ConfigurableApplicationContext context = run(OwnRegistration.class)) {
      assertThat(context.getBean("geofenceFilter", FilterRegistrationBean.class).getFilter())
          .isNotInstanceOf(GeofenceFilter.class);
      assertThat(context.getBeansOfType(GeofenceFilter.class)).isEmpty();
    }
  }

  @Test
  void geofenceEnabledFalseRegistersNothing() {
    try (ConfigurableApplicationContext context =
        run(Object.class, "geofence.enabled=false", "geofence.policy-file=")) {
      assertThat(context.containsBean("geofenceFilter")).isFalse();
      assertThat(context.getBeansOfType(GeofenceFilter.class)).isEmpty();
    }
  }
}
