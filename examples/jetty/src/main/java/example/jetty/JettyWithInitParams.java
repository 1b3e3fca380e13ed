package example.jetty;

import dev.geofence.filter.GeofenceFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** A Jetty 12 (ee10) model API behind the geo-fence, configured by init-params. */
public final class JettyWithInitParams {

  public static Server start(String policy, String database, String proxies, int port)
      throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder geofence = new FilterHolder(GeofenceFilter.class);
    geofence.setInitParameter("policy-file", policy);
    geofence.setInitParameter("geoip-database", database);
    geofence.setInitParameter("trusted-proxies", proxies);
    context.addFilter(geofence, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ModelEchoServlet()), "/*");
    Server server = new Server(port);
    server.setHandler(context);
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    start("/etc/geofence/policy.yaml", "/var/lib/GeoIP/GeoLite2-Country.mmdb", "10.0.0.0/8", 8080)
        .join();
  }

  private JettyWithInitParams() {}
}
