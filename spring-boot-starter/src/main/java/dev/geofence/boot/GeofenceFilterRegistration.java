package dev.geofence.boot;

import dev.geofence.filter.GeofenceFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * The registration of a {@link GeofenceFilter} that the application context already started. The
 * starter starts the filter when its bean is created, so a bad policy or database fails the
 * application before the server listens, with the property named; the container then gets a view of
 * the running filter whose {@code init} and {@code destroy} do nothing (the bean's lifecycle closes
 * it). {@link #getFilter()} is the filter itself, so Boot does not register the bean a second time.
 */
final class GeofenceFilterRegistration extends FilterRegistrationBean<GeofenceFilter> {

  GeofenceFilterRegistration(GeofenceFilter filter) {
    super(filter);
  }

  @Override
  protected FilterRegistration.Dynamic addRegistration(
      String description, ServletContext servletContext) {
    GeofenceFilter filter = getFilter();
    // What the filter's own init would have published, for code that looks it up there.
    servletContext.setAttribute(GeofenceFilter.CONTEXT_ATTRIBUTE, filter);
    return servletContext.addFilter(getOrDeduceName(filter), new Started(filter));
  }

  /** The running filter as the container sees it. */
  private record Started(GeofenceFilter filter) implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      filter.doFilter(request, response, chain);
    }
  }
}
