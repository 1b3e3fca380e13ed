package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Registers the geo-fence in a servlet web application: a started {@link GeofenceFilter} bean named
 * {@code geofence}, configured by {@code geofence.*}, and its registration named {@code
 * geofenceFilter}, mapped on {@code /*} for the {@code REQUEST} dispatcher, ordered just ahead of
 * Spring Security. An application bean named {@code geofenceFilter} replaces the registration;
 * {@code geofence.enabled=false} turns the whole starter off. See docs/spring-boot.md.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "geofence", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GeofenceProperties.class)
public class GeofenceAutoConfiguration {

  /**
   * Ten ahead of Spring Security's filter chain ({@code spring.security.filter.order}, -100): a
   * refused caller costs no authentication, and the application's own filters (at 0 and after) see
   * the substituted model. Boot's request-wrapping filters stay at or below 0.
   */
  static final int DEFAULT_ORDER = -110;

  /** The filter, started here so bad settings fail the application with the property named. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(value = GeofenceFilter.class, name = "geofenceFilter")
  GeofenceFilter geofence(GeofenceProperties properties, Environment environment) {
    ForwardedHeaders.requireSafe(ForwardedHeaders.strategy(environment), environment);
    GeofenceFilter filter = new GeofenceFilter(Settings.of(properties));
    try {
      filter.init(new StartConfig());
    } catch (ServletException e) {
      throw Settings.startFailure(
          e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e));
    }
    return filter;
  }

  /** The registration: replaced by an application bean of the same name. */
  @Bean
  @ConditionalOnMissingBean(name = "geofenceFilter")
  FilterRegistrationBean<GeofenceFilter> geofenceFilter(
      GeofenceFilter geofence, GeofenceProperties properties) {
    FilterRegistrationBean<GeofenceFilter> registration =
        isRunning(geofence)
            ? new GeofenceFilterRegistration(geofence)
            // An application's own GeofenceFilter bean, not started: the container starts it.
            : new FilterRegistrationBean<>(geofence);
    registration.setName("geofenceFilter");
    registration.setUrlPatterns(properties.getUrlPatterns());
    // REQUEST only: a model substituted in the path is forwarded to the rewritten path, which
    // must not be screened again; error pages and async dispatches are not new requests.
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    registration.setOrder(properties.getOrder());
    return registration;
  }

  private static boolean isRunning(GeofenceFilter filter) {
    try {
      filter.status();
      return true;
    } catch (IllegalStateException notStarted) {
      return false;
    }
  }

  /**
   * With {@code server.forward-headers-strategy=framework}, moves Spring's {@code
   * ForwardedHeaderFilter} behind the geo-fence, which then reads the real peer and the original
   * forwarding header against its own trusted proxies (docs/spring-boot.md).
   */
  @Bean
  @ConditionalOnProperty(name = "server.forward-headers-strategy", havingValue = "framework")
  static BeanPostProcessor geofenceForwardedHeaderFilterOrder(Environment environment) {
    return new ForwardedHeaders.FrameworkOrder(environment);
  }

  /**
   * What the filter's {@code init} reads: its name. The settings come from the properties, and the
   * filter is found through its bean, not the ServletContext.
   */
  private static final class StartConfig implements FilterConfig {

    @Override
    public String getFilterName() {
      return "geofenceFilter";
    }

    @Override
    public ServletContext getServletContext() {
      return null;
    }

    @Override
    public String getInitParameter(String name) {
      return null;
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
      return Collections.emptyEnumeration();
    }
  }
}
