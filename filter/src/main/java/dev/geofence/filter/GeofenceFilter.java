package dev.geofence.filter;

import dev.geofence.filter.internal.RequestPath;
import dev.geofence.policy.Policy;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The geo-fence as a Jakarta Servlet 6 filter: for each request it normalises the path, matches a
 * model route, reads the requested model, resolves the caller's address, looks up its country,
 * evaluates the region policy, then lets the request through, rewrites it to a permitted model, or
 * refuses it, and writes one audit record. See {@code docs/filter.md}.
 *
 * <p>Configure it with init-params (no-argument constructor, as web.xml and {@code FilterHolder}
 * create it) or with {@link GeofenceSettings} (programmatic use). Bad settings make {@link #init}
 * fail with a message naming the setting; the filter never starts half-configured. After {@code
 * init}, the filter is in the ServletContext attribute {@link #CONTEXT_ATTRIBUTE}, and each request
 * it lets through carries its {@link Screening} in the request attribute {@link
 * Screening#ATTRIBUTE}.
 *
 * <p>Thread-safe: one instance serves every request thread. A request is never let through
 * unexamined: an internal failure answers 503.
 */
public final class GeofenceFilter implements Filter, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GeofenceFilter.class);

  /**
   * The ServletContext attribute holding the running filter: {@code
   * dev.geofence.filter.GeofenceFilter}.
   */
  public static final String CONTEXT_ATTRIBUTE = "dev.geofence.filter.GeofenceFilter";

  private final GeofenceSettings given; // null: read from init-params
  private volatile RequestPath path;

  /** A filter configured by its init-params at {@link #init}. */
  public GeofenceFilter() {
    this.given = null;
  }

  /** A filter with these settings; init-params are then ignored. */
  public GeofenceFilter(GeofenceSettings settings) {
    this.given = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Starts the filter: loads the policy, opens the databases and the audit trail.
   *
   * @throws ServletException naming the init-param when a setting is bad, or the policy or a
   *     database cannot be loaded
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    Objects.requireNonNull(config, "config");
    if (path != null) {
      throw new ServletException("The geo-fence filter is already initialised.");
    }
    GeofenceSettings settings;
    try {
      settings = given != null ? given : InitParams.read(config);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ServletException(
          "Geo-fence filter '" + config.getFilterName() + "' not started: " + e.getMessage(), e);
    }
    try {
      path = RequestPath.start(settings);
    } catch (RuntimeException e) {
      throw new ServletException(
          "Geo-fence filter '" + config.getFilterName() + "' not started: " + e.getMessage(), e);
    }
    if (config.getServletContext() != null) {
      config.getServletContext().setAttribute(CONTEXT_ATTRIBUTE, this);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      throw new ServletException("The geo-fence filter serves HTTP requests only.");
    }
    running().handle(http, httpResponse, chain);
  }

  /**
   * The current state: policy, databases, audit counters and decision counts.
   *
   * @throws IllegalStateException before {@link #init} or after {@link #destroy}
   */
  public GeofenceStatus status() {
    return running().status();
  }

  /**
   * The policy serving now.
   *
   * @throws IllegalStateException before {@link #init} or after {@link #destroy}
   */
  public Policy policy() {
    return running().engine().policy();
  }

  /**
   * The settings in force.
   *
   * @throws IllegalStateException before {@link #init} or after {@link #destroy}
   */
  public GeofenceSettings settings() {
    return running().engine().settings();
  }

  private RequestPath running() {
    RequestPath current = path;
    if (current == null) {
      throw new IllegalStateException("The geo-fence filter is not running: call init first.");
    }
    return current;
  }

  /**
   * Stops watching files and closes what the filter opened (databases, audit sinks). Idempotent.
   */
  @Override
  public void destroy() {
    RequestPath current = path;
    path = null;
    if (current != null) {
      current.close();
      LOG.info("Geo-fence filter stopped");
    }
  }

  /** The same as {@link #destroy()}. */
  @Override
  public void close() {
    destroy();
  }
}
