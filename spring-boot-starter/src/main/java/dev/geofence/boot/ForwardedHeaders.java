package dev.geofence.boot;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.ForwardedHeaderFilter;

/**
 * Boot's own forwarded-header handling, made safe for the geo-fence. The filter must neither read a
 * forwarding header that Boot already applied (trusting its entries twice) nor believe an address
 * Boot rewrote on the word of a peer the geo-fence does not trust:
 *
 * <ul>
 *   <li>{@code none}: nothing rewrites the request; the filter reads the peer and, from {@code
 *       geofence.trusted-proxies} only, the forwarding header.
 *   <li>{@code framework}: Spring's {@code ForwardedHeaderFilter} believes every peer. It is moved
 *       behind the geo-fence, which reads the original request; the application still sees the
 *       rewritten one.
 *   <li>{@code native}: Tomcat's {@code RemoteIpValve} rewrites the address before any filter,
 *       removing the entries it used, trusting {@code server.tomcat.remoteip.internal-proxies}.
 *       Boot's default for it is every private range, wider than any deployment's proxies, so the
 *       application refuses to start unless it is set; set, the filter walks on from what Tomcat
 *       left, which equals its own walk as long as those proxies are among {@code
 *       geofence.trusted-proxies}. Jetty and Undertow believe every peer in native mode: refused.
 * </ul>
 */
final class ForwardedHeaders {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardedHeaders.class);

  static final String STRATEGY = "server.forward-headers-strategy";
  static final String INTERNAL_PROXIES = "server.tomcat.remoteip.internal-proxies";

  /** Boot's {@code server.forward-headers-strategy}, by its value. */
  enum Strategy {
    NATIVE,
    FRAMEWORK,
    NONE
  }

  private ForwardedHeaders() {}

  /**
   * The strategy in force: the property, or when it is unset, {@code native} on a cloud platform
   * that Boot knows puts a proxy in front (Kubernetes, Cloud Foundry, Heroku, ...), as Boot does.
   */
  static Strategy strategy(Environment environment) {
    String value = environment.getProperty(STRATEGY);
    if (value != null && !value.isBlank()) {
      try {
        return Strategy.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new GeofenceConfigurationException(
            STRATEGY,
            "'" + value + "' is not a strategy; expected native, framework or none.",
            "Set " + STRATEGY + " to none (the geo-fence reads the header itself) or native.",
            e);
      }
    }
    CloudPlatform platform = CloudPlatform.getActive(environment);
    return platform != null && platform.isUsingForwardHeaders() ? Strategy.NATIVE : Strategy.NONE;
  }

  /**
   * Refuses a combination in which a caller could choose its own country.
   *
   * @throws GeofenceConfigurationException naming the property to change
   */
  static void requireSafe(Strategy strategy, Environment environment) {
    if (strategy != Strategy.NATIVE) {
      return;
    }
    if (!ClassUtils.isPresent("org.apache.catalina.valves.RemoteIpValve", null)) {
      throw new GeofenceConfigurationException(
          STRATEGY,
          "native forwarded-header handling on a server other than Tomcat believes the"
              + " forwarding header of every peer, so any caller could name its own country.",
          "Set "
              + STRATEGY
              + "=none and list your proxies in geofence.trusted-proxies; the geo-fence then"
              + " reads the header itself.",
          null);
    }
    String internal = environment.getProperty(INTERNAL_PROXIES);
    if (internal == null) {
      throw new GeofenceConfigurationException(
          STRATEGY,
          "native forwarded-header handling makes Tomcat rewrite the client address for any peer"
              + " in "
              + INTERNAL_PROXIES
              + ", which by default is every private and loopback range: any host on those"
              + " networks could name its own country.",
          "Set "
              + INTERNAL_PROXIES
              + " to your own proxies (the networks in geofence.trusted-proxies), or set "
              + STRATEGY
              + "=none and let the geo-fence read the header itself.",
          null);
    }
    LOG.warn(
        "server.forward-headers-strategy is native: the geo-fence believes the client address"
            + " Tomcat rewrote for peers matching {}={}; these must be proxies listed in"
            + " geofence.trusted-proxies.",
        INTERNAL_PROXIES,
        internal);
  }

  /**
   * Orders Spring's {@code ForwardedHeaderFilter} right behind the geo-fence, which Boot registers
   * first of all: behind it the geo-fence would believe any caller's header.
   */
  static final class FrameworkOrder implements BeanPostProcessor {

    /** Spring Security's filter chain, by default. */
    private static final int SECURITY_ORDER = -100;

    private final Environment environment;

    FrameworkOrder(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
      if (bean instanceof FilterRegistrationBean<?> registration
          && registration.getFilter() instanceof ForwardedHeaderFilter) {
        int geofence =
            environment.getProperty(
                "geofence.order", Integer.class, GeofenceProperties.DEFAULT_ORDER);
        if (registration.getOrder() <= geofence) {
          registration.setOrder(geofence + 1);
          if (geofence + 1 >= SECURITY_ORDER) {
            LOG.warn(
                "geofence.order {} puts Spring's ForwardedHeaderFilter behind Spring Security,"
                    + " which then sees the request as the proxy sent it; keep geofence.order"
                    + " below {}.",
                geofence,
                SECURITY_ORDER - 1);
          }
        }
      }
      return bean;
    }
  }
}
